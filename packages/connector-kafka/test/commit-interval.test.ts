// commitIntervalMs spaces commits out; a rebalance must not wait for it, or the next owner of a
// partition gets everything handled since the last commit again.
import "@romeways/connector-kafka";
import { createRomeways } from "@romeways/core";
import { expect, onTestFinished, test } from "vitest";
import {
  client,
  committedOffsets,
  connectorConfig,
  createTestTopic,
  produce,
  queueConfig,
  waitUntil,
} from "./kafka-test-kit.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test("when a rebalance starts, what was acknowledged is committed at once, not after commitIntervalMs", async () => {
  const topic = await createTestTopic({ partitions: 2 });
  const romeways = createRomeways({ logger: quiet, handleSignals: false });
  let handled = 0;
  romeways.queueConsumer(
    topic.topic,
    queueConfig(topic, { commitIntervalMs: 600_000, maxChunkSize: 5 }),
    () => {
      handled++;
    },
  );
  romeways.connectorRegister({ connector: "kafka", config: connectorConfig() });
  await romeways.start();
  onTestFinished(() => romeways.stop());

  await produce(
    topic.topic,
    Array.from({ length: 20 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })),
  );
  await waitUntil("every message is handled", () => handled === 20);

  // A second member joins the group: the first one is told to rejoin. This one commits
  // nothing itself (no auto-commit), so only the first one can have committed the offsets.
  const second = client().consumer({ groupId: topic.groupId, heartbeatInterval: 500 });
  onTestFinished(() => second.disconnect());
  await second.connect();
  await second.subscribe({ topic: topic.topic, fromBeginning: true });
  const seenBySecond: string[] = [];
  await second.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      seenBySecond.push(String(message.value));
    },
  });
  await waitUntil("both partitions are committed to their end", async () => {
    const committed = await committedOffsets(topic.groupId, topic.topic);
    return committed.get(0) === 10n && committed.get(1) === 10n;
  });
  expect(handled).toBe(20);
  expect(seenBySecond).toEqual([]);
});
