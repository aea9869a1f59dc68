// Python romeways (the PyPI package, as a consumer process) and TypeScript romeways resending
// to each other on one real Kafka topic.
import { decodeBody, encodeResend } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { produce } from "../../../packages/connector-kafka/test/kafka-test-kit.js";
import type { PythonVector } from "../../../packages/core/test/vectors/assert-vector.js";
import { PythonApp } from "./python-app.js";
import { createTopic, fromBase64, pythonVectors, readTopic, startTsApp, utf8 } from "./ts-app.js";

const envelope = (payloadJson: string, counter = 0) =>
  utf8(`{"payload": ${payloadJson}, "rw_resend_times": ${counter}}`);

/** Bodies both handlers can read: plain text and envelopes of every payload type. */
const bodies: Uint8Array[] = [
  utf8("plain text"),
  utf8('unicode: h\u00e9llo \u4e16\u754c \u{1f600} \u2028 "quoted" \\ \u007f'),
  envelope('"a string payload"'),
  envelope('"\\ud83d\\ude00 escaped pair, lone \\ud800"'),
  envelope('[1, "two", 3.0, null, true, {"k": [false]}]'),
  envelope('{"amount": 10.0, "b": 1, "2": "two", "big": 123456789012345678901234567890}'),
  envelope('{"x": 1e-07, "y": -0.0, "z": 1E5, "\u043a\u043b\u044e\u0447": "\u00e9"}'),
  envelope("10.0"),
  envelope("18446744073709551616"),
  envelope("null"),
  envelope("false"),
  envelope('"x"', 5),
];

/** Python's view of `body`, must be readable: the consumer process dies on what it cannot read. */
function decodedOf(vector: PythonVector) {
  if (vector.decoded === null) throw new Error(`Python cannot read body ${vector.name}`);
  return vector.decoded;
}

const hex = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString("hex");

describe("resends between Python and TypeScript romeways", () => {
  test("TypeScript resends, Python reads the exact payload and the counter + 1", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({ topic: topic.topic, groupId: `${topic.groupId}-python` });
    await python.assigned();
    const ts = await startTsApp(topic, { resendAt: [0, 5] });
    const produced = performance.now();
    await produce(
      topic.topic,
      bodies.map((body) => ({ value: Buffer.from(body) })),
    );
    const expected = await pythonVectors(bodies);
    const seen = await python.handled(bodies.length * 2);
    const elapsed = performance.now() - produced;
    const records = await readTopic(topic.topic, bodies.length * 2);
    const n = bodies.length;
    for (const [i, vector] of expected.entries()) {
      const python0 = decodedOf(vector);
      // Offsets 0..n-1: the producer's bodies; n..2n-1: the TypeScript resends, in order.
      expect(seen[i], `Python reads body ${i}`).toMatchObject({
        payload: python0.payload,
        type: python0.payloadType,
        rw_resend_times: python0.counter,
      });
      expect(seen[n + i], `Python reads TypeScript's resend of body ${i}`).toMatchObject({
        payload: python0.payload,
        type: python0.payloadType,
        rw_resend_times: String(Number(python0.counter) + 1),
      });
      expect(hex(records[n + i]?.value), `resend bytes of body ${i}`).toBe(
        hex(fromBase64(vector.resend ?? "")),
      );
    }
    console.log(
      `[python tests] TS->Python: ${n} bodies, ${ts.messages.items.filter((m) => m.action === "resend").length} resent by TS, ${seen.length} handled by Python, resend bytes equal Python's: ${n}/${n}, in ${(elapsed / 1000).toFixed(1)}s`,
    );
  });

  test("Python resends, TypeScript reads payload, payloadValue and rwResendTimes", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({
      topic: topic.topic,
      groupId: `${topic.groupId}-python`,
      resendAt: [0, 5],
    });
    await python.assigned();
    const ts = await startTsApp(topic);
    const produced = performance.now();
    await produce(
      topic.topic,
      bodies.map((body) => ({ key: "k", value: Buffer.from(body) })),
    );
    const expected = await pythonVectors(bodies);
    const n = bodies.length;
    const got = await ts.messages.until(
      `TypeScript handled ${2 * n} messages`,
      (all) => all.length >= 2 * n,
    );
    const elapsed = performance.now() - produced;
    for (const [i, vector] of expected.entries()) {
      const python0 = decodedOf(vector);
      const original = got[i];
      const resent = got[n + i];
      expect(original?.raw.offset, "the producer's bodies come first").toBe(String(i));
      const payloadText =
        python0.payloadType === "str" ? (JSON.parse(python0.payload) as string) : python0.payload;
      expect(original?.payload, `payload of body ${i}`).toBe(payloadText);
      expect(resent?.payload, `payload of Python's resend of body ${i}`).toBe(payloadText);
      // Python's Message turned an object payload into its text, and resends that string.
      expect(resent?.payloadValue, `payloadValue of Python's resend of body ${i}`).toEqual(
        python0.payloadType === "str" ? payloadText : original?.payloadValue,
      );
      expect(resent?.rwResendTimes).toBe(Number(python0.counter) + 1);
      // What Python wrote is the vector's resend, and what core's encodeResend gives.
      expect(hex(resent?.raw.body), `bytes Python wrote for body ${i}`).toBe(
        hex(fromBase64(vector.resend ?? "")),
      );
      expect(hex(resent?.raw.body)).toBe(hex(encodeResend(bodies[i] as Uint8Array)));
      expect(resent?.raw.key, "Python's producer sends no key").toBeUndefined();
    }
    console.log(
      `[python tests] Python->TS: ${n} bodies, ${python.messages.filter((m) => m.action === "resend").length} resent by Python, ${got.length} handled by TS, bytes equal Python's vectors and encodeResend: ${n}/${n}, in ${(elapsed / 1000).toFixed(1)}s`,
    );
  });

  test("alternating resends TS, Python, TS: counters 0, 1, 2, 3, never double-wrapped", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({
      topic: topic.topic,
      groupId: `${topic.groupId}-python`,
      resendAt: [1],
    });
    await python.assigned();
    const ts = await startTsApp(topic, { resendAt: [0, 2] });
    const starts = [utf8("ping"), envelope('{"amount": 10.0, "b": [1, 2.50]}')];
    await produce(
      topic.topic,
      starts.map((body, i) => ({ key: `chain-${i}`, value: Buffer.from(body) })),
    );
    await python.lines.until(
      "Python handled both chains at counter 3",
      () => python.messages.filter((m) => m.rw_resend_times === "3").length === starts.length,
    );
    await ts.messages.until(
      "TypeScript handled both chains at counter 3",
      (all) => all.filter((m) => m.rwResendTimes === 3).length === starts.length,
    );
    // Who resent what: TypeScript at 0 and 2, Python at 1, for each chain.
    const resends = (counters: string[]) => counters.sort().join(",");
    expect(
      resends(
        ts.messages.items.filter((m) => m.action === "resend").map((m) => `${m.rwResendTimes}`),
      ),
    ).toBe("0,0,2,2");
    expect(
      resends(python.messages.filter((m) => m.action === "resend").map((m) => m.rw_resend_times)),
    ).toBe("1,1");
    const records = await readTopic(topic.topic, 4 * starts.length);
    expect(records).toHaveLength(4 * starts.length);
    for (const [i, start] of starts.entries()) {
      const chain = records.filter(
        (r) => decodeBody(r.value ?? new Uint8Array()).payload === decodeBody(start).payload,
      );
      expect(chain.map((r) => decodeBody(r.value ?? new Uint8Array()).rwResendTimes)).toEqual([
        0, 1, 2, 3,
      ]);
      // Each step byte for byte as Python's Message writes it, from the step before.
      let expectedBody = start;
      for (const [step, record] of chain.entries()) {
        expect(hex(record.value), `chain ${i} step ${step}`).toBe(hex(expectedBody));
        const [next] = await pythonVectors([expectedBody]);
        expectedBody = fromBase64(next?.resend ?? "");
      }
      // Python's producer drops the key; TypeScript keeps the key it got (none after Python).
      expect(chain.map((r) => r.key)).toEqual([`chain-${i}`, `chain-${i}`, null, null]);
      const pythonSaw = python.messages.filter((m) => m.payload === python.messages[i]?.payload);
      expect(pythonSaw.map((m) => m.rw_resend_times)).toEqual(["0", "1", "2", "3"]);
    }
    console.log(
      `[python tests] alternating: ${starts.length} chains, topic records ${records.length}: ${records
        .map((r) => `${r.key ?? "no-key"}:${decodeBody(r.value ?? new Uint8Array()).rwResendTimes}`)
        .join(" ")}`,
    );
  });

  test("a tombstone: Python warns and discards it, TypeScript emits message:discarded", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({ topic: topic.topic, groupId: `${topic.groupId}-python` });
    await python.assigned();
    const ts = await startTsApp(topic);
    await produce(topic.topic, [
      { key: "gone", value: null },
      { key: "next", value: "after the tombstone" },
    ]);
    const [after] = await python.handled(1);
    await python.stderrLines.first("Python logs the tombstone", (line) =>
      line.includes("without payload. Discard message."),
    );
    const [discarded] = await ts.discarded.until(
      "TypeScript discards the tombstone",
      (all) => all.length === 1,
    );
    const [handled] = await ts.messages.until(
      "TypeScript handles the next message",
      (all) => all.length === 1,
    );
    expect(after?.payload).toBe('"after the tombstone"');
    expect(handled?.payload).toBe("after the tombstone");
    expect(discarded?.offset).toBe("0");
    expect(python.messages).toHaveLength(1);
    expect(ts.messages.items).toHaveLength(1);
    console.log(
      "[python tests] tombstone: Python warned and discarded it, TS discarded it, both handled the next",
    );
  });
});
