// At least once across a process death: a consumer process is killed (SIGKILL) mid-run and
// started again; what the dead one held comes back once its visibility timeout runs out.
import { fileURLToPath } from "node:url";
import { handledFile, runKillAndRestart, startConsumerProcess } from "@romeways/testing";
import { describe, expect, onTestFinished, test } from "vitest";
import { sendMany } from "./send-many.js";
import { deleteQueue, sqsEndpoint, testQueueName } from "./sqs-test-kit.js";

const total = 10_000;
// A chunk of 10 being handled, and the 10 the running receive may have brought ahead.
const maxHeld = 20;
const entry = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const queue = testQueueName();
    onTestFinished(() => deleteQueue(queue));
    await sendMany(sqsEndpoint(), queue, total);
    const file = handledFile(onTestFinished);
    const run = await runKillAndRestart({
      handledFile: file,
      total,
      timeoutMs: 150_000,
      start: () =>
        startConsumerProcess({
          entry,
          handledFile: file,
          env: { SQS_ENDPOINT: sqsEndpoint(), QUEUE: queue, NO_LOSS_HANDLER_DELAY_MS: "0" },
          cleanup: onTestFinished,
        }),
    });
    const handledBeforeKill = new Set(run.records.slice(0, run.handledBeforeKill).map((r) => r.id));
    console.log(
      `[sqs] SIGKILL run: ${total} messages, 1 kill after ${run.handledBeforeKill} handled; ` +
        `${run.lost} lost, ${run.duplicated} handled twice; ${run.seconds.toFixed(1)}s`,
    );
    expect(run.firstExit.signal).toBe("SIGKILL");
    expect(run.lost).toBe(0);
    // Only what the killed consumer held (handled, not yet deleted) comes again.
    expect(run.duplicated).toBeLessThanOrEqual(maxHeld);
    expect(run.repeated.filter((id) => !handledBeforeKill.has(id))).toEqual([]);
    // The repeats are redeliveries, and SQS counted them.
    const again = run.records
      .slice(run.handledBeforeKill)
      .filter((r) => handledBeforeKill.has(r.id));
    expect(again.every((r) => Number(r.extra[0]) >= 2)).toBe(true);
  }, 200_000);
});
