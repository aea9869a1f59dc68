// The broker restarts in the middle of a run: nats-server is stopped (SIGTERM) while handlers
// hold messages and started again on the same port and store. The app keeps going, nothing is
// lost, and the outage is visible as connector:error (phase "connection") and
// connector:reconnected events. The test has a server of its own: it stops it.
import "@romeways/connector-nats";
import { createRomeways, type Romeways } from "@romeways/core";
import { nextEvent } from "@romeways/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type NatsServer, startNatsServer } from "../../../scripts/nats/server.mjs";
import { NatsQueueConnector } from "../src/index.js";
import { uniqueSubject } from "./nats-test-kit.js";

const before = 2_000;
const after = 1_000;
const holdAt = 500;

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(() => server?.stop());

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Sends through a never-started instance, retrying while the server is away. */
async function send(queue: string, bodies: string[]): Promise<void> {
  const producer = new NatsQueueConnector(
    { connectorName: "nats", servers: server.url },
    { connectorName: "nats", group: "unused" },
    queue,
  );
  try {
    for (const body of bodies) {
      for (let attempt = 1; ; attempt++) {
        try {
          await producer.sendMessage({ body: new TextEncoder().encode(body), key: body });
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
        }
      }
    }
  } finally {
    await producer.stop();
  }
}

test("nats-server stopped and started mid-run: nothing lost, the outage seen as events", async () => {
  const queue = uniqueSubject("romeways-restart");
  const ids = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `m-${from + i}`);
  await send(queue, ids(0, before));

  const handled = new Map<string, number>();
  let releaseHold!: () => void;
  const hold = new Promise<void>((resolve) => {
    releaseHold = resolve;
  });
  let reachedHold!: () => void;
  const holding = new Promise<void>((resolve) => {
    reachedHold = resolve;
  });
  const romeways: Romeways = createRomeways({ logger: silent });
  romeways.connectorRegister({
    connector: "nats",
    config: { connectorName: "nats", servers: server.url },
  });
  romeways.queueConsumer(
    queue,
    {
      connectorName: "nats",
      group: "restart",
      maxChunkSize: 50,
      sequential: false,
      ackWaitMs: 2_000,
    },
    async (message) => {
      const id = String(message.payload);
      handled.set(id, (handled.get(id) ?? 0) + 1);
      if (handled.size === holdAt) reachedHold();
      // The handlers of the chunk on the way when the server went away finish while it is away.
      if (handled.size >= holdAt) await hold;
    },
  );
  const errors: string[] = [];
  romeways.events.on("connector:error", (event) =>
    errors.push(`${event.phase}: ${event.error.message}`),
  );
  // Resolved by the outcome of the last message handled (the handler counted it before).
  const allHandled = new Promise<void>((resolve) => {
    romeways.events.on("message:outcome", () => {
      if (handled.size === before + after) resolve();
    });
  });
  await romeways.start();
  try {
    await holding;
    const disconnected = nextEvent(romeways, "connector:error", {
      where: (event) => event.phase === "connection",
    });
    await server.pause();
    await disconnected;
    releaseHold();
    const reconnected = nextEvent(romeways, "connector:reconnected");
    await server.resume();
    const { downMs } = await reconnected;
    await send(queue, ids(before, after));
    await allHandled;
    const all = ids(0, before + after);
    const duplicated = [...handled.values()].filter((times) => times > 1).length;
    console.log(
      `server restart: ${all.length} sent, ${handled.size} handled, lost 0, duplicated ${duplicated}, ` +
        `down ${Math.round(downMs)} ms; connector:error events: ${errors.length} (${errors.join("; ")})`,
    );
    expect(handled.size).toBe(all.length);
    expect(errors.some((e) => e.startsWith("connection:"))).toBe(true);
  } finally {
    releaseHold();
    await romeways.stop();
  }
});
