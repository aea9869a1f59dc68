// At least once across process deaths: a consumer process on a 6-partition topic is killed
// mid-run (SIGKILL, or stopped with SIGTERM) and started again.
import { performance } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  type HandledRecord,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import {
  committedOffsets,
  createTestTopic,
  produce,
  type TestTopic,
  waitUntil,
} from "./kafka-test-kit.js";

const messageCount = 10_000;
const maxChunkSize = 50;
const consumerEnv = { MAX_CHUNK_SIZE: String(maxChunkSize), HANDLER_DELAY_MS: "1" };

async function topicWithMessages(): Promise<TestTopic> {
  const topic = await createTestTopic({ partitions: 6 });
  await produce(
    topic.topic,
    Array.from({ length: messageCount }, (_, i) => ({ key: `key-${i % 97}`, value: `id-${i}` })),
  );
  return topic;
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** Handled before the kill at offsets the group had not committed: these may come again. */
function uncommitted(records: readonly HandledRecord[], committed: Map<number, bigint>) {
  return records.filter((record) => record.offset >= (committed.get(record.partition) ?? 0n));
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
async function consumeAThird(topic: TestTopic, file: string) {
  const consumer = startConsumerProcess(topic, file, consumerEnv);
  await consumer.ready;
  await waitUntil("a third of the messages are handled", () => readHandled(file).length >= 3_000, {
    intervalMs: 20,
  });
  return consumer;
}

/** Starts the consumer again, waits until every message was handled, then stops it. */
async function consumeTheRest(topic: TestTopic, file: string): Promise<void> {
  const consumer = startConsumerProcess(topic, file, consumerEnv);
  await consumer.ready;
  await waitUntil(
    "every message is handled",
    () => countHandled(readHandled(file)).distinct === messageCount,
    { timeoutMs: 120_000, intervalMs: 100 },
  );
  consumer.child.kill("SIGTERM");
  await consumer.exited;
}

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const topic = await topicWithMessages();
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(topic, file);
    first.child.kill("SIGKILL");
    await first.exited;
    const beforeKill = readHandled(file);
    // Read after the death: the killed process commits nothing more.
    const committedAtKill = await committedOffsets(topic.groupId, topic.topic);
    const inFlightAtKill = uncommitted(beforeKill, committedAtKill);

    await consumeTheRest(topic, file);

    const all = readHandled(file);
    const { distinct, duplicates } = countHandled(all);
    console.log(
      `[kafka] SIGKILL run: ${messageCount} messages, 6 partitions, 1 kill after ${beforeKill.length} handled; ` +
        `${inFlightAtKill.length} handled but uncommitted at the kill, ${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    // Only what was handled and not yet committed at the kill is handled again.
    const mayRepeat = new Set(inFlightAtKill.map((record) => record.id));
    const handledAgain = repeatedIds(all);
    expect(handledAgain.filter((id) => !mayRepeat.has(id))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(inFlightAtKill.length);
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const topic = await topicWithMessages();
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(topic, file);
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(first.output()).toContain("stopped drained=true");
    const beforeStop = readHandled(file).length;

    await consumeTheRest(topic, file);

    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[kafka] SIGTERM run: ${messageCount} messages, graceful stop after ${beforeStop} handled; ` +
        `${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    expect(duplicates).toBe(0);
  });

  test("a consumer killed with SIGKILL while a resend waits for its delay loses nothing", async () => {
    const total = 2_000;
    const delayMs = 8_000;
    const topic = await createTestTopic({ partitions: 4 });
    await produce(
      topic.topic,
      Array.from({ length: total }, (_, i) => ({ key: `key-${i % 50}`, value: `id-${i}` })),
    );
    const file = handledFile();
    const env = { CONCURRENCY: "20", RESEND_ID: "id-0", RESEND_DELAY_MS: String(delayMs) };
    const first = startConsumerProcess(topic, file, env);
    await first.ready;
    await waitUntil("id-0 is resent", () => first.output().includes("resending id-0"));
    const resentAt = Number(/resending id-0 at (\d+)/.exec(first.output())?.[1]);
    await waitUntil("every other message is handled", () => {
      return countHandled(readHandled(file)).distinct === total - 1;
    });
    // Killed while the resend is held, taken and not acknowledged, before it is due.
    const killedAfterMs = Date.now() - resentAt;
    first.child.kill("SIGKILL");
    await first.exited;
    expect(readHandled(file).some((record) => record.id === "id-0")).toBe(false);

    const second = startConsumerProcess(topic, file, env);
    await second.ready;
    await waitUntil("id-0 is handled", () => readHandled(file).some(({ id }) => id === "id-0"), {
      timeoutMs: 60_000,
    });
    second.child.kill("SIGTERM");
    await second.exited;
    const records = readHandled(file);
    const resend = records.find(({ id }) => id === "id-0") as HandledRecord;
    const { distinct, duplicates } = countHandled(records);
    console.log(
      `[kafka] SIGKILL during a ${delayMs / 1000} s resend delay (killed ${killedAfterMs} ms after the resend): ` +
        `${distinct} of ${total} handled, ${duplicates} twice; the resend handled ${resend.at - resentAt} ms after it was resent`,
    );
    expect(killedAfterMs).toBeLessThan(delayMs);
    expect(distinct).toBe(total);
    expect(resend.at).toBeGreaterThanOrEqual(resentAt + delayMs);
  });
});
