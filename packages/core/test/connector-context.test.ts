import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import {
  type ConnectorConfig,
  type ConnectorContext,
  createRomeways,
  type Logger,
  type QueueConfig,
} from "@romeways/core";
import { nextEvent } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import { resolveQueueConfig } from "../src/queue-config.js";
import { ConnectorHost } from "../src/workers/connector-host.js";

/** A memory connector that keeps the context core gave it, as a connector with a lease timer would. */
function contextKeepingConnector() {
  const contexts: ConnectorContext[] = [];
  class LeaseConnector extends MemoryQueueConnector {
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
  return { contexts, Connector: LeaseConnector };
}

function recordingLogger() {
  const lines: { level: string; context: object; message: string }[] = [];
  const at = (level: string) => (context: object, message: string) =>
    lines.push({ level, context, message });
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { logger, lines };
}

describe("the connector context", () => {
  test("core passes each connector instance a context naming its connector and queue", async () => {
    const { contexts, Connector } = contextKeepingConnector();
    const app = createRomeways({ logger: recordingLogger().logger, handleSignals: false });
    app.connectorRegister({ connector: Connector, config: { connectorName: "leases" } });
    app.queueConsumer(
      "jobs",
      { connectorName: "leases", queue: new MemoryQueue(), deadLetterQueue: "jobs.dead" },
      () => {},
    );
    await app.start();
    await app.stop();
    expect(contexts.map((c) => [c.connectorName, c.queueName])).toEqual([
      ["leases", "jobs"],
      ["leases", "jobs.dead"],
    ]);
  });

  test("reportError is emitted as connector:error with phase background, and logged with the queue", async () => {
    const { contexts, Connector } = contextKeepingConnector();
    const { logger, lines } = recordingLogger();
    const app = createRomeways({ logger, handleSignals: false });
    app.connectorRegister({ connector: Connector, config: { connectorName: "leases" } });
    app.queueConsumer("jobs", { connectorName: "leases", queue: new MemoryQueue() }, () => {});
    await app.start();
    const reported = nextEvent(app, "connector:error", { timeoutMs: 1_000 });
    contexts[0]?.reportError(new Error("lease renewal failed"));
    const event = await reported;
    await app.stop();
    expect(event).toMatchObject({
      connectorName: "leases",
      queueName: "jobs",
      phase: "background",
    });
    expect(event.error.message).toBe("lease renewal failed");
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        context: expect.objectContaining({ queueName: "jobs", phase: "background" }),
      }),
    );
  });

  test("reportError takes any thrown value, and the context's logger adds the connector and queue", async () => {
    const { contexts, Connector } = contextKeepingConnector();
    const { logger, lines } = recordingLogger();
    const app = createRomeways({ logger, handleSignals: false });
    app.connectorRegister({ connector: Connector, config: { connectorName: "leases" } });
    app.queueConsumer("jobs", { connectorName: "leases", queue: new MemoryQueue() }, () => {});
    await app.start();
    const reported = nextEvent(app, "connector:error", { timeoutMs: 1_000 });
    contexts[0]?.reportError("a string, not an Error");
    expect((await reported).error).toBeInstanceOf(Error);
    contexts[0]?.logger.warn({ leaseId: 7 }, "lease renewed late");
    await app.stop();
    expect(lines).toContainEqual({
      level: "warn",
      context: { connectorName: "leases", queueName: "jobs", leaseId: 7 },
      message: "lease renewed late",
    });
  });

  test("the parent's instances that serve worker processes get a context for their queue too", async () => {
    const { contexts, Connector } = contextKeepingConnector();
    const queue = new MemoryQueue();
    const host = new ConnectorHost(
      {
        connectorName: "leases",
        connector: Connector,
        config: { connectorName: "leases" },
        queues: new Map([["jobs", resolveQueueConfig("jobs", { connectorName: "leases", queue })]]),
      },
      (queueName) => ({
        connectorName: "leases",
        queueName,
        logger: recordingLogger().logger,
        reportError: () => {},
        reportDisconnected: () => {},
        reportReconnected: () => {},
      }),
    );
    await host.serve(1, { method: "open", queueName: "jobs", role: "consumer" });
    await host.close();
    expect(contexts.map((c) => c.queueName)).toEqual(["jobs"]);
  });
});
