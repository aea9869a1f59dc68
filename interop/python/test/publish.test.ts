// What TypeScript romeways publishes, Python romeways (the PyPI package) reads as its own
// producer's bodies: a string as its text, any other value as its JSON text.
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways, type PublishPayload } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { connectorConfig } from "../../../packages/connector-kafka/test/kafka-test-kit.js";
import { PythonApp } from "./python-app.js";
import { createTopic, pythonVectors, readTopic } from "./ts-app.js";

const payloads: PublishPayload[] = [
  "plain text",
  "unicode: h\u00e9llo \u4e16\u754c \u{1f600}",
  { amount: 10.5, items: ["a", "b"], nested: { ok: true } },
  [1, "two", null],
  42,
];

describe("romeways.publish read by Python romeways", () => {
  test("Python's handler gets each published payload as the text its own producer would give", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({ topic: topic.topic, groupId: `${topic.groupId}-python` });
    await python.assigned();
    // A queue this app does not consume: the producer of the connector, the queue name is the topic.
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    const romeways = createRomeways({ handleSignals: false, logger: silent });
    romeways.connectorRegister({ connector: KafkaQueueConnector, config: connectorConfig() });
    const producer = romeways.producer("kafka-test");
    for (const payload of payloads) await producer.publish(topic.topic, payload);
    await romeways.stop();

    const seen = await python.handled(payloads.length);
    const records = await readTopic(topic.topic, payloads.length);
    // What the real Python package decodes from the very bytes TypeScript wrote.
    const vectors = await pythonVectors(records.map((r) => new Uint8Array(r.value ?? [])));
    expect(records.map((r) => r.value?.toString("utf8"))).toEqual([
      "plain text",
      "unicode: h\u00e9llo \u4e16\u754c \u{1f600}",
      '{"amount":10.5,"items":["a","b"],"nested":{"ok":true}}',
      '[1,"two",null]',
      "42",
    ]);
    for (const [i, vector] of vectors.entries()) {
      expect(seen[i], `Python reads payload ${i}`).toMatchObject({
        payload: vector.decoded?.payload,
        rw_resend_times: "0",
        action: "handled",
      });
    }
    // The handler prints its payload in Python's JSON spelling: each is a str, the body's text.
    expect(seen.map((s) => [s.type, JSON.parse(s.payload)])).toEqual(
      records.map((r) => ["str", r.value?.toString("utf8")]),
    );
    console.log(
      `[python tests] TS publish -> Python: ${seen.length} payloads read as ${seen.map((s) => s.type).join(", ")}`,
    );
  });
});
