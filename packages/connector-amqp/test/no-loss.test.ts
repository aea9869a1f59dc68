// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again; the broker puts back what the dead one held.
import { fileURLToPath } from "node:url";
import {
  type ConsumerProcess,
  handledFile,
  runKillAndRestart,
  startConsumerProcess,
} from "@romeways/testing";
import { describe, expect, onTestFinished, test } from "vitest";
import { amqpUrl, queueCounts, testQueue } from "./amqp-test-kit.js";
import { publishMany } from "./publish-many.js";

const total = 10_000;
// maxChunkSize 50 and no concurrency: the broker hands over at most prefetch = 100 ahead.
const prefetch = 100;
const entry = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

function consumer(queue: string, file: string): () => ConsumerProcess {
  return () =>
    startConsumerProcess({
      entry,
      handledFile: file,
      env: {
        AMQP_URL: amqpUrl(),
        QUEUE: queue,
        QUEUE_TYPE: "quorum",
        NO_LOSS_HANDLER_DELAY_MS: "1",
      },
      cleanup: onTestFinished,
    });
}

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const queue = testQueue("romeways-no-loss");
    await publishMany(amqpUrl(), queue, total, "quorum");
    const file = handledFile(onTestFinished);
    const run = await runKillAndRestart({ handledFile: file, total, start: consumer(queue, file) });
    const handledBeforeKill = new Set(run.records.slice(0, run.handledBeforeKill).map((r) => r.id));
    console.log(
      `[amqp] SIGKILL run: ${total} messages (quorum queue), 1 kill after ${run.handledBeforeKill} handled; ` +
        `${run.lost} lost, ${run.duplicated} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(run.firstExit.signal).toBe("SIGKILL");
    expect(run.lost).toBe(0);
    // Only what the killed consumer held (handled, not yet acknowledged) comes again.
    expect(run.duplicated).toBeLessThanOrEqual(prefetch);
    expect(run.repeated.filter((id) => !handledBeforeKill.has(id))).toEqual([]);
    // The repeats are redeliveries, and the quorum queue counted them.
    const again = run.records
      .slice(run.handledBeforeKill)
      .filter((r) => handledBeforeKill.has(r.id));
    expect(again.every((r) => r.extra[0] === "true" && Number(r.extra[1]) >= 1)).toBe(true);
    expect((await queueCounts(queue)).messageCount).toBe(0);
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const queue = testQueue("romeways-no-loss");
    await publishMany(amqpUrl(), queue, total, "quorum");
    const file = handledFile(onTestFinished);
    const run = await runKillAndRestart({
      handledFile: file,
      total,
      start: consumer(queue, file),
      signal: "SIGTERM",
    });
    console.log(
      `[amqp] SIGTERM run: ${total} messages, graceful stop after ${run.handledBeforeKill} handled; ` +
        `${run.lost} lost, ${run.duplicated} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(run.firstOutput).toContain("stopped drained=true");
    expect(run.lost).toBe(0);
    expect(run.duplicated).toBe(0);
  });
});
