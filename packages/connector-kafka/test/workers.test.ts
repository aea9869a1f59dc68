// spawnProcess with Kafka: the workers of one connector join one consumer group.
import { describe, expect, test } from "vitest";
import {
  countHandled,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { createTestTopic, produce, waitUntil } from "./kafka-test-kit.js";

describe("Kafka connector in worker processes", () => {
  test("two workers of one connector split a 4-partition topic between them", async () => {
    const total = 2_000;
    const topic = await createTestTopic({ partitions: 4 });
    const file = handledFile();
    const app = startConsumerProcess(topic, file, { WORKERS: "2", MAX_CHUNK_SIZE: "20" });
    await app.ready;
    await produce(
      topic.topic,
      Array.from({ length: total }, (_, i) => ({ key: `key-${i}`, value: `id-${i}` })),
    );
    await waitUntil(
      "every message is handled",
      () => countHandled(readHandled(file)).distinct === total,
      {
        intervalMs: 100,
      },
    );
    const records = readHandled(file);
    expect(countHandled(records).duplicates).toBe(0);
    const partitionsByWorker = new Map<number, Set<number>>();
    for (const { pid, partition } of records) {
      partitionsByWorker.set(pid, (partitionsByWorker.get(pid) ?? new Set()).add(partition));
    }
    expect(partitionsByWorker.size).toBe(2);
    expect(partitionsByWorker.has(app.child.pid as number)).toBe(false);
    const [first, second] = [...partitionsByWorker.values()].map((set) => [...set].sort());
    expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([0, 1, 2, 3]);
    console.log(
      `2 Kafka workers split partitions ${JSON.stringify(first)} / ${JSON.stringify(second)}`,
    );
    app.child.kill("SIGTERM");
    expect((await app.exited).signal).toBe("SIGTERM");
  });
});
