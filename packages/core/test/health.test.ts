import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  MemoryQueue,
  type MemoryQueueConfig,
  MemoryQueueConnector,
} from "@romeways/connector-memory";
import {
  type ConnectorConfig,
  type ConnectorContext,
  type ConnectorHealth,
  createRomeways,
  type Logger,
  type RomewaysHealth,
} from "@romeways/core";
import { nextEvent, VirtualClock } from "@romeways/testing";
import { describe, expect, test } from "vitest";

/** A memory connector that answers `health()` with `state.now` and keeps its context. */
function brokerLike() {
  const state: { now: ConnectorHealth; context: ConnectorContext | undefined } = {
    now: { connected: true },
    context: undefined,
  };
  class BrokerLike extends MemoryQueueConnector {
    constructor(
      config: ConnectorConfig,
      queueConfig: MemoryQueueConfig,
      queueName: string,
      context: ConnectorContext,
    ) {
      super(config, queueConfig, queueName);
      if (queueName === "orders") state.context = context;
    }
    health(): ConnectorHealth {
      return state.now;
    }
  }
  return { state, Connector: BrokerLike };
}

/** A logger that keeps the health endpoint's port from its info line. */
function portLogger() {
  const seen: { port?: number } = {};
  const logger: Logger = {
    debug() {},
    info(context) {
      const { port } = context as { port?: number };
      if (typeof port === "number") seen.port = port;
    },
    warn() {},
    error() {},
  };
  return { logger, seen };
}

async function get(port: number | undefined, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as RomewaysHealth };
}

describe("romeways.health() and the HTTP probes in one process", () => {
  test("readiness follows the connector's health(): not connected, then no partition, then ready", async () => {
    const { state, Connector } = brokerLike();
    const { logger, seen } = portLogger();
    const app = createRomeways({
      logger,
      handleSignals: false,
      health: { port: 0, host: "127.0.0.1" },
    });
    app.connectorRegister({ connector: Connector, config: { connectorName: "kafka-ish" } });
    app.queueConsumer("orders", { connectorName: "kafka-ish", queue: new MemoryQueue() }, () => {});
    await app.start();

    state.now = { connected: false, reason: "the broker at localhost:9092 refuses connections" };
    const down = await get(seen.port, "/readyz");
    expect(down.status).toBe(503);
    expect(down.body.reasons).toEqual([
      'queue "orders" (connector "kafka-ish") is not connected: the broker at localhost:9092 refuses connections',
    ]);
    expect((await get(seen.port, "/livez")).status).toBe(200);

    state.now = { connected: true, assigned: [], reason: "rebalancing" };
    const unassigned = await get(seen.port, "/readyz");
    expect(unassigned.status).toBe(503);
    expect(unassigned.body.reasons).toEqual([
      'queue "orders" (connector "kafka-ish") holds no partition: rebalancing',
    ]);

    state.now = { connected: true, assigned: ["orders-0", "orders-1"], lag: 42 };
    const ready = await get(seen.port, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body.queues[0]).toMatchObject({
      queueName: "orders",
      connected: true,
      assigned: ["orders-0", "orders-1"],
      lag: 42,
      ready: true,
    });
    expect(ready.body.workers).toEqual([]);
    await app.stop();
    await expect(fetch(`http://127.0.0.1:${seen.port}/readyz`)).rejects.toThrow();
  });

  test("reportDisconnected makes the queue not ready with its cause; reportReconnected ready again", async () => {
    const { state, Connector } = brokerLike();
    const app = createRomeways({ logger: portLogger().logger, handleSignals: false });
    app.connectorRegister({ connector: Connector, config: { connectorName: "amqp-ish" } });
    app.queueConsumer("orders", { connectorName: "amqp-ish", queue: new MemoryQueue() }, () => {});
    await app.start();
    state.context?.reportDisconnected(new Error("socket hang up"));
    const down = await app.health();
    expect(down.ready).toBe(false);
    expect(down.queues[0]?.connected).toBe(false);
    expect(down.queues[0]?.lastError).toMatchObject({
      message: "socket hang up",
      phase: "connection",
    });
    expect(down.reasons).toEqual([
      'queue "orders" (connector "amqp-ish") is not connected: socket hang up',
    ]);
    state.context?.reportReconnected();
    expect((await app.health()).ready).toBe(true);
    await app.stop();
  });

  test("a loop that holds a message without progress for livenessTtlMs is not live; the app's states", async () => {
    const clock = new VirtualClock();
    const queue = new MemoryQueue();
    const app = createRomeways({
      logger: portLogger().logger,
      handleSignals: false,
      clock,
      shutdownTimeoutMs: 0,
      health: { port: 0, host: "127.0.0.1", livenessTtlMs: 60_000 },
    });
    expect(await app.health()).toMatchObject({ state: "idle", live: false, ready: false });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    let release = () => {};
    app.queueConsumer(
      "stuck",
      { connectorName: "mem", queue },
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    await app.start();
    const received = nextEvent(app, "message:received", { timeoutMs: 5_000 });
    queue.put("slow");
    await received;
    const busy = await app.health();
    expect(busy).toMatchObject({ live: true, ready: true });
    expect(busy.queues[0]?.inFlight).toBe(1);
    await clock.advance(60_001);
    const stuck = await app.health();
    expect(stuck.live).toBe(false);
    expect(stuck.reasons[0]).toMatch(
      /^queue "stuck" \(connector "mem"\) made no progress for 60001 ms with 1 message\(s\) in flight/,
    );
    release();
    await nextEvent(app, "message:outcome", { timeoutMs: 5_000 });
    const after = await app.health();
    expect(after.live).toBe(true);
    expect(after.queues[0]?.lastOutcome?.outcome).toBe("handled");
    const stopping = app.stop();
    expect((await app.health()).reasons).toContain("the app is stopping");
    await stopping;
    expect(await app.health()).toMatchObject({ state: "stopped", live: false, ready: false });
  });

  test("a health port in use fails start() naming it; start() works again once the port is free", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    const app = createRomeways({
      logger: portLogger().logger,
      handleSignals: false,
      health: { port, host: "127.0.0.1" },
    });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    app.queueConsumer("q", { connectorName: "mem", queue: new MemoryQueue() }, () => {});
    await expect(app.start()).rejects.toThrow(
      new RegExp(`^the health endpoint cannot listen on port ${port}: listen EADDRINUSE`),
    );
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await app.start();
    expect((await get(port, "/readyz")).status).toBe(200);
    await app.stop();
  });
});
