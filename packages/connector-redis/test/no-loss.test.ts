// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again under a new consumer name.
import { performance } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  type HandledRecord,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { redis, type TestStream, testStream, waitUntil } from "./redis-test-kit.js";

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

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** The ids of the group's pending entries: taken and not acknowledged. */
async function pendingEntries({ stream, group }: TestStream): Promise<Set<string>> {
  const pending = (await redis().xpending(stream, group, "-", "+", messageCount)) as [string][];
  return new Set(pending.map(([id]) => id));
}

function repeatedIds(records: readonly HandledRecord[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const { id } of records) {
    if (seen.has(id)) repeated.push(id);
    seen.add(id);
  }
  return repeated;
}

/** Starts the consumer and waits until it handled a third of the messages. */
async function consumeAThird(stream: TestStream, file: string) {
  const consumer = startConsumerProcess(stream, file, consumerEnv);
  await consumer.ready;
  await waitUntil("a third of the messages are handled", () => readHandled(file).length >= 3_000, {
    intervalMs: 20,
  });
  return consumer;
}

/** Starts the consumer again, waits until every message was handled, then stops it. */
async function consumeTheRest(stream: TestStream, file: string): Promise<void> {
  const consumer = startConsumerProcess(stream, file, consumerEnv);
  await consumer.ready;
  await waitUntil(
    "every message is handled",
    () => countHandled(readHandled(file)).distinct === messageCount,
    {
      timeoutMs: 120_000,
      intervalMs: 100,
    },
  );
  consumer.child.kill("SIGTERM");
  await consumer.exited;
}

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const stream = await streamWithMessages();
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(stream, file);
    first.child.kill("SIGKILL");
    await first.exited;
    const beforeKill = readHandled(file);
    // Read after the death: the killed process acknowledges nothing more.
    const pendingAtKill = await pendingEntries(stream);
    const handledButPending = beforeKill.filter((record) => pendingAtKill.has(record.entry));

    await consumeTheRest(stream, file);

    const all = readHandled(file);
    const { distinct, duplicates } = countHandled(all);
    console.log(
      `[redis] SIGKILL run: ${messageCount} messages, 1 kill after ${beforeKill.length} handled; ` +
        `${pendingAtKill.size} taken and unacknowledged at the kill (${handledButPending.length} of them handled), ` +
        `${messageCount - distinct} lost, ${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    // Only what was handled and still pending at the kill is handled again.
    const mayRepeat = new Set(handledButPending.map((record) => record.id));
    expect(repeatedIds(all).filter((id) => !mayRepeat.has(id))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(handledButPending.length);
    expect(await pendingEntries(stream)).toEqual(new Set());
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const stream = await streamWithMessages();
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(stream, file);
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(first.output()).toContain("stopped drained=true");
    const beforeStop = readHandled(file).length;

    await consumeTheRest(stream, file);

    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[redis] SIGTERM run: ${messageCount} messages, graceful stop after ${beforeStop} handled; ${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    expect(duplicates).toBe(0);
  });
});
