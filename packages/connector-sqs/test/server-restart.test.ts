// At least once through a server outage: ElasticMQ (persistent: queues and messages in its dir)
// is killed (SIGKILL) while an app works through a queue, and started again on the same port and data.
// The app keeps going by itself; nothing may be lost; the outage shows as connector:error
// (phase "connection") and connector:reconnected. The test runs its own server, so halting it
// disturbs no other file.
import { createRomeways, type RomewaysEvents } from "@romeways/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type SqsServer, startSqsServer } from "../../../scripts/sqs/server.mjs";
import { sendMany } from "./send-many.js";
import { connectorConfig, queueConfig, testQueueName } from "./sqs-test-kit.js";

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
const messageCount = 1_000;
const haltAfter = 300;

let server: SqsServer;

beforeAll(async () => {
  server = await startSqsServer({ persist: true });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe("SQS server restart", () => {
  test(`${messageCount} messages, the server stopped after ${haltAfter} and started again: nothing lost`, async () => {
    const queue = testQueueName();
    await sendMany(server.endpoint, queue, messageCount);

    const app = createRomeways({ logger: silentLogger, handleSignals: false });
    const handled = new Map<string, number>();
    let reachedHalt: () => void = () => {};
    let reachedAll: () => void = () => {};
    const halfway = new Promise<void>((resolve) => {
      reachedHalt = resolve;
    });
    const all = new Promise<void>((resolve) => {
      reachedAll = resolve;
    });
    const errors: RomewaysEvents["connector:error"][0][] = [];
    let connectionLost: () => void = () => {};
    const lost = new Promise<void>((resolve) => {
      connectionLost = resolve;
    });
    app.events.on("connector:error", (event) => {
      errors.push(event);
      if (event.phase === "connection") connectionLost();
    });
    const reconnected = new Promise<number>((resolve) => {
      app.events.on("connector:reconnected", ({ downMs }) => resolve(downMs));
    });
    app.connectorRegister({ connector: "sqs", config: connectorConfig(server.endpoint) });
    app.queueConsumer(
      queue,
      { ...queueConfig({ visibilityTimeout: 10, waitTimeSeconds: 5 }), maxChunkSize: 10 },
      async (message) => {
        handled.set(message.payload, (handled.get(message.payload) ?? 0) + 1);
        if (handled.size === haltAfter) reachedHalt();
        if (handled.size === messageCount) reachedAll();
      },
    );
    await app.start();
    try {
      await halfway;
      const haltedAt = handled.size;
      await server.halt();
      await lost;
      await server.resume();
      const downMs = await reconnected;
      await all;
      const missing = Array.from({ length: messageCount }, (_, i) => `id-${i}`).filter(
        (id) => !handled.has(id),
      );
      const duplicated = [...handled.values()].filter((n) => n > 1).length;
      const phases = [...new Set(errors.map((e) => e.phase))].join(", ");
      console.log(
        `[sqs restart] ${messageCount} messages, halted after ${haltedAt} handled: lost ${missing.length}, ` +
          `handled twice ${duplicated}, connector:error ${errors.length} (${phases}), ` +
          `reconnected after ${Math.round(downMs)} ms`,
      );
      expect(missing).toEqual([]);
      expect(errors.some((e) => e.phase === "connection")).toBe(true);
    } finally {
      await app.stop();
    }
  }, 180_000);
});
