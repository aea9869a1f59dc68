// spawnProcess with PostgreSQL: the workers of one connector take from one queue, each row once.
import { describe, expect, test } from "vitest";
import {
  countHandled,
  enqueueMany,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { newQueueName, waitUntil } from "./postgres-test-kit.js";

describe("PostgreSQL connector in worker processes", () => {
  test("two workers of one connector share a queue: every message handled once, by both workers", async () => {
    const total = 2_000;
    const queue = newQueueName("workers");
    const file = handledFile();
    const app = startConsumerProcess(queue, file, {
      WORKERS: "2",
      MAX_CHUNK_SIZE: "20",
      HANDLER_DELAY_MS: "2",
    });
    await app.ready;
    await enqueueMany(queue, total);
    await waitUntil(
      "every message is handled",
      () => countHandled(readHandled(file)).distinct === total,
      {
        intervalMs: 100,
      },
    );
    const records = readHandled(file);
    expect(countHandled(records).duplicates).toBe(0);
    const byWorker = new Map<number, number>();
    for (const { pid } of records) byWorker.set(pid, (byWorker.get(pid) ?? 0) + 1);
    expect(byWorker.size).toBe(2);
    expect(byWorker.has(app.child.pid as number)).toBe(false);
    console.log(
      `[postgres] 2 workers handled ${[...byWorker.values()].join(" / ")} of ${total} messages`,
    );
    app.child.kill("SIGTERM");
    expect((await app.exited).signal).toBe("SIGTERM");
  });
});
