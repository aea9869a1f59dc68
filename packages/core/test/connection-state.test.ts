import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import {
  type ConnectorConfig,
  type ConnectorContext,
  createRomeways,
  type Logger,
  type QueueConfig,
  type Romeways,
  type RomewaysEvents,
} from "@romeways/core";
import { nextEvent } from "@romeways/testing";
import { describe, expect, test } from "vitest";

/** A memory connector that keeps its context, as a connector watching its socket would. */
function contextKeepingConnector() {
  const contexts: ConnectorContext[] = [];
  class WatchingConnector extends MemoryQueueConnector {
    constructor(
      config: ConnectorConfig,
      queueConfig: QueueConfig & { queue?: MemoryQueue },
      queueName: string,
      context: ConnectorContext,
    ) {
      super(config, queueConfig, queueName);
      contexts.push(context);
    }
  }
  return { contexts, Connector: WatchingConnector };
}

function recordingLogger() {
  const lines: { level: string; context: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (context: object, message: string) =>
    lines.push({ level, context: context as Record<string, unknown>, message });
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { logger, lines };
}

/** Every payload of `name` the app emits from now on. */
function recorded<K extends "connector:error" | "connector:reconnected">(
  app: Romeways,
  name: K,
): RomewaysEvents[K][0][] {
  const seen: RomewaysEvents[K][0][] = [];
  app.events.on(name, ((payload: RomewaysEvents[K][0]) => seen.push(payload)) as never);
  return seen;
}

async function startedApp() {
  const { contexts, Connector } = contextKeepingConnector();
  const { logger, lines } = recordingLogger();
  const app = createRomeways({ logger, handleSignals: false });
  app.connectorRegister({ connector: Connector, config: { connectorName: "socket" } });
  app.queueConsumer("jobs", { connectorName: "socket", queue: new MemoryQueue() }, () => {});
  await app.start();
  const context = contexts[0];
  if (context === undefined) throw new Error("the connector got no context");
  return { app, context, lines };
}

describe("reportDisconnected / reportReconnected", () => {
  test("the first call of an outage is one connector:error (phase connection) and one warn line; repeats are debug", async () => {
    const { app, context, lines } = await startedApp();
    const errors = recorded(app, "connector:error");
    context.reportDisconnected(new Error("ECONNREFUSED 127.0.0.1:9092"));
    context.reportDisconnected(new Error("ECONNREFUSED 127.0.0.1:9092"));
    context.reportDisconnected("still refused");
    await app.stop();
    expect(errors.map((e) => [e.queueName, e.phase, e.error.message])).toEqual([
      ["jobs", "connection", "ECONNREFUSED 127.0.0.1:9092"],
    ]);
    const outage = lines.filter((l) => l.context.queueName === "jobs" && l.level !== "info");
    expect(outage.map((l) => l.level)).toEqual(["warn", "debug", "debug"]);
    expect(outage[0]?.message).toBe("connector lost its connection: ECONNREFUSED 127.0.0.1:9092");
  });

  test("reportReconnected ends the outage with connector:reconnected and an info line; a new outage is loud again", async () => {
    const { app, context, lines } = await startedApp();
    const errors = recorded(app, "connector:error");
    context.reportDisconnected(new Error("broker gone"));
    const reconnected = nextEvent(app, "connector:reconnected", { timeoutMs: 1_000 });
    context.reportReconnected();
    const event = await reconnected;
    context.reportDisconnected(new Error("gone again"));
    await app.stop();
    expect(event).toMatchObject({ connectorName: "socket", queueName: "jobs" });
    expect(event.downMs).toBeGreaterThanOrEqual(0);
    expect(errors.map((e) => e.error.message)).toEqual(["broker gone", "gone again"]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "info",
        context: expect.objectContaining({ queueName: "jobs", downMs: expect.any(Number) }),
        message: expect.stringMatching(/^connector reconnected after \d+ ms$/),
      }),
    );
  });

  test("reportReconnected without an outage does nothing", async () => {
    const { app, context, lines } = await startedApp();
    const reconnects = recorded(app, "connector:reconnected");
    const before = lines.length;
    context.reportReconnected();
    expect(lines.length).toBe(before);
    await app.stop();
    expect(reconnects).toEqual([]);
  });
});
