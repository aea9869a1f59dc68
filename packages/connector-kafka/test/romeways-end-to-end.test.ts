// The seed's scenarios end to end: createRomeways + the Kafka connector on a real broker.
import "@romeways/connector-kafka";
import type { KafkaQueueConfig, KafkaRawMessage } from "@romeways/connector-kafka";
import {
  createRomeways,
  type Handler,
  type Message,
  ResendError,
  type Romeways,
} from "@romeways/core";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  committedOffsets,
  connectorConfig,
  createTestTopic,
  produce,
  queueConfig,
  startedConnector,
  type TestTopic,
  take,
  text,
  waitUntil,
} from "./kafka-test-kit.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function startApp(
  topic: TestTopic,
  overrides: Partial<KafkaQueueConfig>,
  handler: Handler,
): Promise<Romeways> {
  const romeways = createRomeways({ logger: quiet, handleSignals: false });
  romeways.queueConsumer(topic.topic, queueConfig(topic, overrides), handler);
  // By name: importing the package registered "kafka".
  romeways.connectorRegister({ connector: "kafka", config: connectorConfig() });
  await romeways.start();
  onTestFinished(() => romeways.stop());
  return romeways;
}

const keyOf = (message: Message) =>
  Buffer.from((message.raw as KafkaRawMessage).key ?? []).toString();

describe("romeways on Kafka", () => {
  test("a resent message comes back with rwResendTimes 1, its key and its headers", async () => {
    const topic = await createTestTopic();
    const handled: Message[] = [];
    // At once, as Python resends: a delay would add its due time to the headers.
    await startApp(topic, { resendDelayMs: 0 }, (message) => {
      if (message.rwResendTimes === 0) throw new ResendError("not ready yet");
      handled.push(message);
    });
    await produce(topic.topic, [{ key: "order-1", value: "pay", headers: { trace: "abc" } }]);
    await waitUntil("the resent message is handled", () => handled.length === 1);
    const [resent] = handled as [Message];
    expect(resent.payload).toBe("pay");
    expect(resent.rwResendTimes).toBe(1);
    expect(keyOf(resent)).toBe("order-1");
    // Its own headers, and the time romeways first saw it fail (dead letters carry it).
    expect(resent.raw.headers).toEqual({
      trace: "abc",
      "x-romeways-first-seen": expect.any(String),
    });
    // The wire format Python romeways reads.
    expect(text(resent.raw)).toBe('{"payload": "pay", "rw_resend_times": 1}');
  });

  test("a message resent maxResends times goes to the dead-letter topic with the reason", async () => {
    const topic = await createTestTopic();
    const deadLetters = await createTestTopic();
    const attempts: number[] = [];
    const romeways = await startApp(
      topic,
      { maxResends: 2, deadLetterQueue: deadLetters.topic },
      (message) => {
        attempts.push(message.rwResendTimes);
        throw new ResendError("never ready");
      },
    );
    let deadLettered = 0;
    romeways.events.on("message:dead-lettered", () => deadLettered++);
    await produce(topic.topic, [{ key: "order-2", value: "refund" }]);
    await waitUntil("the message is dead-lettered", () => deadLettered === 1);
    expect(attempts).toEqual([0, 1, 2]);
    const [dead] = await take(await startedConnector(deadLetters), 1);
    expect(Buffer.from(dead?.key ?? []).toString()).toBe("order-2");
    expect(dead?.headers).toMatchObject({
      "x-romeways-dead-letter-reason": "max-resends",
      "x-romeways-resend-times": "2",
      "x-romeways-source-queue": topic.topic,
    });
    // The payload the producer sent, unwrapped from the resend envelope.
    expect(dead && text(dead)).toBe("refund");
  });

  test("a sequential consumer handles each partition's messages in the order they were sent", async () => {
    const topic = await createTestTopic({ partitions: 3 });
    const byKey = new Map<string, string[]>();
    const keys = ["a", "b", "c"];
    await startApp(topic, { sequential: true, maxChunkSize: 5 }, (message) => {
      const key = keyOf(message);
      byKey.set(key, [...(byKey.get(key) ?? []), message.payload]);
    });
    await produce(
      topic.topic,
      Array.from({ length: 40 }, (_, i) =>
        keys.map((key) => ({ key, value: `${key}${i}` })),
      ).flat(),
    );
    const total = () => [...byKey.values()].reduce((sum, list) => sum + list.length, 0);
    await waitUntil("every message is handled", () => total() === 120);
    for (const key of keys) {
      expect(byKey.get(key)).toEqual(Array.from({ length: 40 }, (_, i) => `${key}${i}`));
    }
  });

  test("a concurrent consumer never runs more than maxChunkSize handlers at once", async () => {
    const topic = await createTestTopic();
    let running = 0;
    let mostAtOnce = 0;
    let handled = 0;
    await startApp(topic, { sequential: false, maxChunkSize: 7 }, async () => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running--;
      handled++;
    });
    await produce(
      topic.topic,
      Array.from({ length: 50 }, (_, i) => ({ value: `m${i}` })),
    );
    await waitUntil("every message is handled", () => handled === 50);
    expect(mostAtOnce).toBe(7);
  });

  test("a tombstone is discarded and its offset committed", async () => {
    const topic = await createTestTopic();
    const handled: string[] = [];
    const romeways = await startApp(topic, {}, (message) => {
      handled.push(message.payload);
    });
    let discarded = 0;
    romeways.events.on("message:discarded", () => discarded++);
    await produce(topic.topic, [{ key: "gone", value: null }, { value: "after" }]);
    await waitUntil("both are settled", () => discarded === 1 && handled.length === 1);
    await romeways.stop();
    expect((await committedOffsets(topic.groupId, topic.topic)).get(0)).toBe(2n);
  });
  test("offsets are committed while the consumer runs, on every partition, before any stop", async () => {
    const topic = await createTestTopic({ partitions: 3 });
    let handled = 0;
    await startApp(topic, { maxChunkSize: 7 }, () => {
      handled++;
    });
    const committedUpTo = (end: bigint) => async () => {
      const committed = await committedOffsets(topic.groupId, topic.topic);
      return [0, 1, 2].every((partition) => committed.get(partition) === end);
    };
    // One message per batch: only the commit sent after kafkajs moved on can commit it.
    await produce(
      topic.topic,
      [0, 1, 2].map((partition) => ({ value: "first", partition })),
    );
    await waitUntil("the first three are handled", () => handled === 3);
    await waitUntil("each partition is committed past its message", committedUpTo(1n));
    await produce(
      topic.topic,
      Array.from({ length: 30 }, (_, i) => ({ value: `m${i}`, partition: i % 3 })),
    );
    await waitUntil("every message is handled", () => handled === 33);
    await waitUntil("each partition is committed to its end", committedUpTo(11n));
  });
});
