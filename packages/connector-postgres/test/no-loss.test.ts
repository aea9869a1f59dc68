// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again on the same queue.
import { performance } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  enqueueMany,
  type HandledRecord,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { newQueueName, testPool, waitUntil } from "./postgres-test-kit.js";

const messageCount = 10_000;
const consumerEnv = {
  MAX_CHUNK_SIZE: "50",
  HANDLER_DELAY_MS: "1",
  HANDLER_SPREAD_MS: "20",
  VISIBILITY_TIMEOUT_MS: "3000",
};

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

function repeatedIds(records: readonly HandledRecord[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const { id } of records) {
    if (seen.has(id)) repeated.push(id);
    seen.add(id);
  }
  return repeated;
}

/** Starts the consumer and waits until it handled a third of the messages, and is amid a chunk. */
async function consumeAThird(queue: string, file: string) {
  const consumer = startConsumerProcess(queue, file, consumerEnv);
  await consumer.ready;
  await waitUntil(
    "a third of the messages are handled, part of a chunk",
    () => {
      const handled = readHandled(file).length;
      return handled >= 3_000 && handled % 50 !== 0;
    },
    { intervalMs: 5 },
  );
  return consumer;
}

/** Starts the consumer again, waits until every message was handled, then stops it. */
async function consumeTheRest(queue: string, file: string): Promise<void> {
  const consumer = startConsumerProcess(queue, file, consumerEnv);
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
    const queue = newQueueName("sigkill");
    await enqueueMany(queue, messageCount);
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(queue, file);
    first.child.kill("SIGKILL");
    await first.exited;
    const beforeKill = readHandled(file);
    // The rows the dead process held under a lease: taken and not acknowledged.
    const { rows } = await testPool().query<{ payload: string }>(
      `SELECT convert_from(body, 'UTF8') AS payload FROM romeways_messages
       WHERE queue = $1 AND lease_until IS NOT NULL AND done_at IS NULL`,
      [queue],
    );
    const inFlightAtKill = new Set(rows.map((row) => row.payload));
    const handledInFlight = beforeKill.filter((record) => inFlightAtKill.has(record.id)).length;

    await consumeTheRest(queue, file);

    const all = readHandled(file);
    const { distinct, duplicates } = countHandled(all);
    console.log(
      `[postgres] SIGKILL run: ${messageCount} messages, 1 kill after ${beforeKill.length} handled; ` +
        `${inFlightAtKill.size} in flight (leased, not acked) at the kill, ${handledInFlight} of them already handled; ` +
        `lost ${messageCount - distinct}, ${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    // Only what was taken and not acknowledged at the kill is handled again.
    expect(repeatedIds(all).filter((id) => !inFlightAtKill.has(id))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(inFlightAtKill.size);
    const left = await testPool().query("SELECT 1 FROM romeways_messages WHERE queue = $1", [
      queue,
    ]);
    expect(left.rowCount).toBe(0);
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const queue = newQueueName("sigterm");
    await enqueueMany(queue, messageCount);
    const file = handledFile();
    const started = performance.now();
    const first = await consumeAThird(queue, file);
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(first.output()).toContain("stopped drained=true");
    const beforeStop = readHandled(file).length;

    await consumeTheRest(queue, file);

    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[postgres] SIGTERM run: ${messageCount} messages, graceful stop after ${beforeStop} handled; ` +
        `${duplicates} handled twice; ${seconds(started)}s`,
    );
    expect(distinct).toBe(messageCount);
    expect(duplicates).toBe(0);
  });
});
