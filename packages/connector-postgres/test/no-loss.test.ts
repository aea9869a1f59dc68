// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again on the same queue.
import { runKillAndRestart } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  enqueueMany,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import { newQueueName, testPool } from "./postgres-test-kit.js";

const messageCount = 10_000;
const consumerEnv = {
  MAX_CHUNK_SIZE: "50",
  HANDLER_DELAY_MS: "1",
  HANDLER_SPREAD_MS: "20",
  VISIBILITY_TIMEOUT_MS: "3000",
};

/** A third of the way, amid a chunk of 50: some handled and not yet acknowledged. */
const amidAChunk = (records: readonly unknown[]) =>
  records.length >= 3_000 && records.length % 50 !== 0;

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const queue = newQueueName("sigkill");
    await enqueueMany(queue, messageCount);
    const file = handledFile();
    let inFlightAtKill = new Set<string>();
    let handledInFlight = 0;
    const run = await runKillAndRestart({
      handledFile: file,
      total: messageCount,
      start: () => startConsumerProcess(queue, file, consumerEnv),
      killWhen: amidAChunk,
      afterKill: async (beforeKill) => {
        // The rows the dead process held under a lease: taken and not acknowledged.
        const { rows } = await testPool().query<{ payload: string }>(
          `SELECT convert_from(body, 'UTF8') AS payload FROM romeways_messages
           WHERE queue = $1 AND lease_until IS NOT NULL AND done_at IS NULL`,
          [queue],
        );
        inFlightAtKill = new Set(rows.map((row) => row.payload));
        handledInFlight = beforeKill.filter((record) => inFlightAtKill.has(record.id)).length;
      },
    });
    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[postgres] SIGKILL run: ${messageCount} messages, 1 kill after ${run.handledBeforeKill} handled; ` +
        `${inFlightAtKill.size} in flight (leased, not acked) at the kill, ${handledInFlight} of them already handled; ` +
        `lost ${run.lost}, ${duplicates} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(run.firstExit.signal).toBe("SIGKILL");
    expect(distinct).toBe(messageCount);
    // Only what was taken and not acknowledged at the kill is handled again.
    expect(run.repeated.filter((id) => !inFlightAtKill.has(id))).toEqual([]);
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
    const run = await runKillAndRestart({
      handledFile: file,
      total: messageCount,
      start: () => startConsumerProcess(queue, file, consumerEnv),
      killWhen: amidAChunk,
      signal: "SIGTERM",
    });
    expect(run.firstExit).toEqual({ code: null, signal: "SIGTERM" });
    expect(run.firstOutput).toContain("stopped drained=true");
    const { distinct, duplicates } = countHandled(readHandled(file));
    console.log(
      `[postgres] SIGTERM run: ${messageCount} messages, graceful stop after ${run.handledBeforeKill} handled; ` +
        `${duplicates} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(distinct).toBe(messageCount);
    expect(duplicates).toBe(0);
  });
});
