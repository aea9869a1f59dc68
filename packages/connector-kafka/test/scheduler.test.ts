// Core's scheduler over Kafka: per-key ordered concurrency keeps commits contiguous, and a
// delayed resend held by core stalls neither its partition's fetches nor the other messages.
import {
  type KafkaQueueConfig,
  KafkaQueueConnector,
  type KafkaRawMessage,
} from "@romeways/connector-kafka";
import { createRomeways, type RawMessage, ResendError } from "@romeways/core";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  committedOffsets,
  connectorConfig,
  createTestTopic,
  produce,
  queueConfig,
  type TestTopic,
  waitUntil,
} from "./kafka-test-kit.js";

/** Offsets core acknowledged, per partition, recorded before the connector may commit them. */
const acknowledged = new Map<number, Set<bigint>>();

class AckRecordingKafkaConnector extends KafkaQueueConnector {
  override async ack(messages: RawMessage[]): Promise<void> {
    for (const message of messages) {
      const { partition, offset } = message as KafkaRawMessage;
      const offsets = acknowledged.get(partition) ?? new Set<bigint>();
      acknowledged.set(partition, offsets.add(BigInt(offset)));
    }
    return super.ack(messages);
  }
}

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

function appOn(
  topic: TestTopic,
  queue: Partial<KafkaQueueConfig>,
  handler: Parameters<ReturnType<typeof createRomeways>["queueConsumer"]>[2],
) {
  const romeways = createRomeways({ logger: quietLogger, handleSignals: false });
  romeways.queueConsumer(topic.topic, queueConfig(topic, queue), handler);
  romeways.connectorRegister({ connector: AckRecordingKafkaConnector, config: connectorConfig() });
  onTestFinished(() => romeways.stop());
  return romeways;
}

/** Every offset below a partition's commit must have been acknowledged before the commit was read. */
function commitsPastUnacknowledged(committed: Map<number, bigint>): string[] {
  const problems: string[] = [];
  for (const [partition, next] of committed) {
    const acked = acknowledged.get(partition) ?? new Set<bigint>();
    for (let offset = 0n; offset < next; offset++) {
      if (!acked.has(offset)) {
        problems.push(
          `partition ${partition} committed ${next} with offset ${offset} unacknowledged`,
        );
        break;
      }
    }
  }
  return problems;
}

describe("the scheduler over Kafka", () => {
  test("10,000 messages over 100 keys at concurrency 50: per-key order, 50 in flight at most, contiguous commits", async () => {
    acknowledged.clear();
    const total = 10_000;
    const topic = await createTestTopic({ partitions: 4 });
    await produce(
      topic.topic,
      Array.from({ length: total }, (_, i) => ({
        key: `key-${i % 100}`,
        value: `${i % 100} ${i}`,
      })),
    );
    const lastByKey = new Map<string, number>();
    const outOfOrder: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let handled = 0;
    const started = performance.now();
    const romeways = appOn(
      topic,
      // Small batches of all four partitions at once: the buffer holds the keys of each.
      {
        concurrency: 50,
        ordering: "key",
        maxChunkSize: 100,
        partitionsConsumedConcurrently: 4,
        maxBytesPerPartition: 4_096,
      },
      async (message) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const [key, index] = message.payload.split(" ").map(Number) as [number, number];
        if ((lastByKey.get(String(key)) ?? -1) > index) outOfOrder.push(message.payload);
        lastByKey.set(String(key), index);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        inFlight--;
        handled++;
      },
    );
    await romeways.start();
    const violations: string[] = [];
    let samples = 0;
    // Reads the group's commits while the run goes on: each must sit on acknowledged offsets.
    while (handled < total) {
      const committed = await committedOffsets(topic.groupId, topic.topic);
      samples++;
      violations.push(...commitsPastUnacknowledged(committed));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitUntil("every offset is committed", async () => {
      const committed = await committedOffsets(topic.groupId, topic.topic);
      violations.push(...commitsPastUnacknowledged(committed));
      return [...committed.values()].reduce((sum, next) => sum + next, 0n) === BigInt(total);
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `[kafka] scheduler: ${total} messages, 100 keys, 4 partitions, concurrency 50, ordering key: ` +
        `max in flight ${maxInFlight}, ${outOfOrder.length} out of order, ${samples} commit samples, ` +
        `${violations.length} commits past an unacknowledged offset; ${seconds}s`,
    );
    expect(handled).toBe(total);
    expect(outOfOrder).toEqual([]);
    expect(maxInFlight).toBe(50);
    expect(violations).toEqual([]);
  });

  test("a message resent with a 2 s delay holds back neither its partition nor its queue, and comes back no earlier than due", async () => {
    const topic = await createTestTopic({ partitions: 1 });
    const handledAt = new Map<string, number>();
    let resentAt: number | undefined;
    const romeways = appOn(
      topic,
      { concurrency: 10, ordering: "key", maxChunkSize: 20, maxBytesPerPartition: 4_096 },
      async (message) => {
        if (message.payload === "later" && message.rwResendTimes === 0) {
          resentAt = Date.now();
          throw new ResendError("x", { delayMs: 2_000 });
        }
        handledAt.set(message.payload, Date.now());
      },
    );
    await produce(topic.topic, [{ key: "held", value: "later" }]);
    await romeways.start();
    await waitUntil("the message is resent", () => resentAt !== undefined);
    // Behind the resend in the same partition, in fetches of their own (4 KiB each).
    const others = Array.from({ length: 500 }, (_, i) => ({
      key: `other-${i}`,
      value: `other-${i}`,
    }));
    for (let i = 0; i < others.length; i += 50) await produce(topic.topic, others.slice(i, i + 50));
    await waitUntil("every message is handled", () => handledAt.size === others.length + 1, {
      timeoutMs: 30_000,
    });
    const due = (resentAt as number) + 2_000;
    const lastOther = Math.max(...others.map(({ value }) => handledAt.get(value) as number));
    const laterAt = handledAt.get("later") as number;
    console.log(
      `[kafka] delayed resend: 500 messages behind a resend due in 2 s on one partition, all handled ` +
        `${due - lastOther} ms before it was due; the resend handled ${laterAt - (resentAt as number)} ms after it was resent`,
    );
    expect(lastOther).toBeLessThan(due);
    expect(laterAt).toBeGreaterThanOrEqual(due);
    await waitUntil("every offset is committed", async () => {
      const committed = await committedOffsets(topic.groupId, topic.topic);
      return committed.get(0) === BigInt(others.length + 2);
    });
  });
});
