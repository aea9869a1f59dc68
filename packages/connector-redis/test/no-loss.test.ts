// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again under a new consumer name.
import { runKillAndRestart } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  type HandledRecord,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { redis, type TestStream, testStream } from "./redis-test-kit.js";

const messageCount = 10_000;
const consumerEnv = { MAX_CHUNK_SIZE: "50", HANDLER_DELAY_MS: "1", CLAIM_IDLE_MS: "2000" };

async function streamWithMessages(): Promise<TestStream> {
  const stream = testStream();
  for (let start = 0; start < messageCount; start += 1_000) {
    const pipeline = redis().pipeline();
    for (let i = start; i < start + 1_000; i++)
      pipeline.xadd(stream.stream, "*", "body", `id-${i}`);
    await pipeline.exec();
  }
  return stream;
}

/** The ids of the group's pending entries: taken and not acknowledged. */
async function pendingEntries({ stream, group }: TestStream): Promise<Set<string>> {
  const pending = (await redis().xpending(stream, group, "-", "+", messageCount)) as [string][];
  return new Set(pending.map(([id]) => id));
}

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const stream = await streamWithMessages();
    const file = handledFile();
    let pendingAtKill = new Set<string>();
    let handledButPending: HandledRecord[] = [];
    const run = await runKillAndRestart({
      handledFile: file,
      total: messageCount,
      killAfter: 3_000,
      start: () => startConsumerProcess(stream, file, consumerEnv),
      // Read after the death: the killed process acknowledges nothing more.
      afterKill: async () => {
        pendingAtKill = await pendingEntries(stream);
        handledButPending = readHandled(file).filter((record) => pendingAtKill.has(record.entry));
      },
    });
    const all = readHandled(file);
    const { distinct, duplicates } = countHandled(all);
    console.log(
      `[redis] SIGKILL run: ${messageCount} messages, 1 kill after ${run.handledBeforeKill} handled; ` +
        `${pendingAtKill.size} taken and unacknowledged at the kill (${handledButPending.length} of them handled), ` +
        `${run.lost} lost, ${run.duplicated} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(run.firstExit.signal).toBe("SIGKILL");
    expect(distinct).toBe(messageCount);
    // Only what was handled and still pending at the kill is handled again.
    const mayRepeat = new Set(handledButPending.map((record) => record.id));
    expect(run.repeated.filter((id) => !mayRepeat.has(id))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(handledButPending.length);
    expect(await pendingEntries(stream)).toEqual(new Set());
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const stream = await streamWithMessages();
    const file = handledFile();
    const run = await runKillAndRestart({
      handledFile: file,
      total: messageCount,
      killAfter: 3_000,
      start: () => startConsumerProcess(stream, file, consumerEnv),
      signal: "SIGTERM",
    });
    expect(run.firstExit).toEqual({ code: null, signal: "SIGTERM" });
    expect(run.firstOutput).toContain("stopped drained=true");
    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[redis] SIGTERM run: ${messageCount} messages, graceful stop after ${run.handledBeforeKill} handled; ${duplicates} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(distinct).toBe(messageCount);
    expect(duplicates).toBe(0);
  });
});
