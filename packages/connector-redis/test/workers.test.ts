// spawnProcess with Redis: every worker is a consumer of its own in the one group.
import { describe, expect, test } from "vitest";
import {
  countHandled,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { redis, testStream, waitUntil } from "./redis-test-kit.js";

describe("Redis connector in worker processes", () => {
  test("two workers of one connector share a stream as two consumers of one group", async () => {
    const total = 2_000;
    const stream = testStream();
    const file = handledFile();
    const app = startConsumerProcess(stream, file, {
      WORKERS: "2",
      MAX_CHUNK_SIZE: "20",
      HANDLER_DELAY_MS: "1",
    });
    await app.ready;
    const pipeline = redis().pipeline();
    for (let i = 0; i < total; i++) pipeline.xadd(stream.stream, "*", "body", `id-${i}`);
    await pipeline.exec();
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
    const infos = (await redis().xinfo("CONSUMERS", stream.stream, stream.group)) as string[][];
    const names = infos.map((info) => String(info[info.indexOf("name") + 1]));
    // Each worker's name ends with its pid and the instance's number.
    for (const pid of byWorker.keys())
      expect(names.some((name) => name.includes(`-${pid}-`))).toBe(true);
    console.log(
      `2 Redis workers handled ${[...byWorker.values()].join(" / ")} of ${total}; consumers ${names.join(", ")}`,
    );
    app.child.kill("SIGTERM");
    expect((await app.exited).signal).toBe("SIGTERM");
    // Stopped gracefully: the workers handed back nothing and removed their names.
    expect(await redis().xinfo("CONSUMERS", stream.stream, stream.group)).toEqual([]);
  });
});
