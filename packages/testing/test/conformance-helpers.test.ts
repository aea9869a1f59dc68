import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, ResendError } from "@romeways/core";
import {
  bodyText,
  bytes,
  collectEvents,
  FakeBroker,
  FakeConnector,
  nextEvent,
  RecordingConnector,
  recordConnectorClass,
  runConformance,
  sameBytes,
  testConnector,
  uniqueQueueName,
} from "@romeways/testing";
import { describe, expect, test } from "vitest";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("the helpers @romeways/testing gives connector authors", () => {
  test("RecordingConnector logs every call with what it returned", async () => {
    const recording = new RecordingConnector(
      new MemoryQueueConnector({ connectorName: "m" }, { connectorName: "m" }, uniqueQueueName()),
      "jobs",
    );
    await recording.start();
    await recording.sendMessage({ body: bytes("one") });
    const chunk = await recording.getMessages(5, AbortSignal.timeout(1_000));
    await recording.ack(chunk);
    await recording.stop();
    expect(recording.calls.map((call) => call.method)).toEqual([
      "start",
      "sendMessage",
      "getMessages",
      "ack",
      "stop",
    ]);
    const poll = recording.calls[2];
    expect(poll).toMatchObject({ method: "getMessages", maxChunkSize: 5, settled: "resolved" });
    expect(poll?.method === "getMessages" && poll.messages?.map(bodyText)).toEqual(["one"]);
  });

  test("recordConnectorClass records what core asks of a connector: the resend is sent before the ack", async () => {
    const { Connector, calls } = recordConnectorClass(MemoryQueueConnector);
    const app = createRomeways({ logger: silent, handleSignals: false });
    const queue = new MemoryQueue();
    app.connectorRegister({ connector: Connector, config: { connectorName: "mem" } });
    app.queueConsumer("jobs", { connectorName: "mem", queue, resendDelayMs: 0 }, (message) => {
      if (message.rwResendTimes === 0) throw new ResendError("again");
    });
    await app.start();
    const handled = nextEvent(app, "message:handled", { timeoutMs: 2_000 });
    queue.put("job");
    await handled;
    await app.stop();
    const order = calls
      .filter((call) => call.method === "sendMessage" || call.method === "ack")
      .map((call) => call.method);
    expect(order.slice(0, 2)).toEqual(["sendMessage", "ack"]);
    expect(calls.at(-1)?.method).toBe("stop");
  });

  test("collectEvents filters with where, and fails naming the event when too few come", async () => {
    const app = createRomeways({ logger: silent, handleSignals: false });
    const waiting = collectEvents(app, "connector:started", 2, {
      where: (event) => event.queueName === "a",
      timeoutMs: 50,
    });
    app.events.emit("connector:started", { connectorName: "c", queueName: "a" });
    app.events.emit("connector:started", { connectorName: "c", queueName: "b" });
    await expect(waiting).rejects.toThrow('1 of 2 "connector:started" events came within 50 ms');
  });

  test("bytes, bodyText and sameBytes agree on text and binary", () => {
    expect(bodyText({ body: bytes("grüße") })).toBe("grüße");
    expect(bodyText({ body: null })).toBe("<null body>");
    expect(sameBytes("key", bytes("key"))).toBe(true);
    expect(sameBytes(Buffer.from([1, 2]), Uint8Array.from([1, 2]))).toBe(true);
    expect(sameBytes(undefined, "")).toBe(false);
  });

  test("uniqueQueueName gives a fresh name with the prefix each call", () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueQueueName("orders")));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^orders-[0-9a-f]{8}$/);
  });
});

describe("the suite's own machinery", () => {
  const broker = new FakeBroker();
  const fake = (queueName: string) =>
    new FakeConnector({ connectorName: "fake", broker }, { connectorName: "fake" }, queueName);

  test("runConformance passes every promise for a connector that keeps the contract", async () => {
    const results = await runConformance({ name: "fake", connector: fake, manyMessages: 100 });
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.error?.message}`)).toEqual(
      [],
    );
    expect(new Set(results.map((r) => r.area))).toEqual(
      new Set(["delivery", "acknowledgement", "waiting", "bytes", "core over the connector"]),
    );
  });

  test("testConnector registers a describe per area and the additionalTests in the suite's block", async () => {
    const registered: string[] = [];
    const path: string[] = [];
    const bodies: (() => Promise<void>)[] = [];
    testConnector({
      describe: (name, body) => {
        path.push(name);
        body();
        path.pop();
      },
      test: (name, body) => {
        registered.push([...path, name].join(" > "));
        bodies.push(body);
      },
      name: "Fake",
      connector: fake,
      additionalTests: (suite) =>
        suite.test("a message a session sends comes back", async (session) => {
          const consumer = await session.consumer(await session.newQueue());
          await session.send(consumer, "mine");
          expect((await session.take(consumer, 1)).map(bodyText)).toEqual(["mine"]);
        }),
    });
    expect(registered).toContain(
      "Fake keeps the connector contract > waiting > a poll aborted after waiting 400 ms returns [] at once, and the next message goes to the next poll",
    );
    expect(registered.at(-1)).toBe(
      "Fake keeps the connector contract > a message a session sends comes back",
    );
    await bodies.at(-1)?.();
  });
});
