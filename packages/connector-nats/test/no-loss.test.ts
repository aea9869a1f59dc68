// At least once across process deaths: a consumer process is killed mid-run (SIGKILL, or
// stopped with SIGTERM) and started again; @romeways/testing's no-loss kit counts what was
// lost and what was handled twice.
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { NatsQueueConnector } from "@romeways/connector-nats";
import { handledFile, runKillAndRestart, startConsumerProcess } from "@romeways/testing";
import { describe, expect, onTestFinished, test } from "vitest";
import { connectorConfig, natsUrl, uniqueSubject } from "./nats-test-kit.js";

const messageCount = 10_000;
// Handlers take 5 ms each, all of a chunk at once: a kill mostly lands while a chunk is held.
const entry = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

/** A fresh queue holding `messageCount` messages whose bodies are their ids. */
async function queueWithMessages(): Promise<string> {
  const queue = uniqueSubject("romeways-no-loss");
  const producer = new NatsQueueConnector(
    connectorConfig(),
    { connectorName: "nats-test", group: "-" },
    queue,
  );
  try {
    for (let start = 0; start < messageCount; start += 500) {
      const sends = [];
      for (let i = start; i < start + 500; i++) {
        sends.push(producer.sendMessage({ body: new TextEncoder().encode(`id-${i}`) }));
      }
      await Promise.all(sends);
    }
  } finally {
    await producer.stop();
  }
  return queue;
}

/** Messages the group's consumer delivered and has no ack for: what the dead process held. */
async function ackPending(queue: string): Promise<number> {
  const nc = await connect({ servers: natsUrl() });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(queue, "no-loss");
    return info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

async function killAndRestart(signal: NodeJS.Signals) {
  const queue = await queueWithMessages();
  const file = handledFile(onTestFinished);
  let heldAtKill = 0;
  const result = await runKillAndRestart({
    handledFile: file,
    total: messageCount,
    signal,
    afterKill: async () => {
      heldAtKill = await ackPending(queue);
    },
    start: () =>
      startConsumerProcess({
        entry,
        handledFile: file,
        env: { NATS_URL: natsUrl(), QUEUE: queue, NO_LOSS_HANDLER_DELAY_MS: "5" },
        cleanup: onTestFinished,
      }),
  });
  return { ...result, heldAtKill };
}

describe("no message is lost when the consumer process dies", () => {
  test("a consumer killed with SIGKILL mid-run and started again handles every message at least once", async () => {
    const result = await killAndRestart("SIGKILL");
    // What the killed process had taken and not acknowledged comes back after ackWait (2 s),
    // with a delivery count of 2.
    const redelivered = result.records.filter((r) => r.extra[0] !== "1").length;
    console.log(
      `[nats] SIGKILL run: ${result.total} messages, 1 kill after ${result.handledBeforeKill} handled; ` +
        `${result.heldAtKill} taken and unacknowledged at the kill; ` +
        `${result.lost} lost, ${result.duplicated} handled twice, ${redelivered} handlings of redelivered messages; ${result.seconds.toFixed(1)}s`,
    );
    expect(result.firstExit.signal).toBe("SIGKILL");
    expect(result.lost).toBe(0);
    // Only what the killed process held (at most a chunk of 50) can be handled again.
    expect(result.heldAtKill).toBeLessThanOrEqual(50);
    expect(result.duplicated).toBeLessThanOrEqual(result.heldAtKill);
  });

  test("a consumer stopped with SIGTERM mid-run and started again handles every message exactly once", async () => {
    const result = await killAndRestart("SIGTERM");
    console.log(
      `[nats] SIGTERM run: ${result.total} messages, graceful stop after ${result.handledBeforeKill} handled; ` +
        `${result.lost} lost, ${result.duplicated} handled twice; ${result.seconds.toFixed(1)}s`,
    );
    expect(result.firstOutput).toContain("stopped drained=true");
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
  });
});
