import {
  MemoryQueue,
  type MemoryQueueConfig,
  MemoryQueueConnector,
} from "@romeways/connector-memory";
import {
  ConfigError,
  type ConnectorConfig,
  createRomeways,
  type Logger,
  RomewaysError,
} from "@romeways/core";
import { nextEvent } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import { formatLine } from "../src/logger.js";

function recordingLogger() {
  const lines: { level: string; message: string; context: object }[] = [];
  const at = (level: string) => (context: object, message: string) =>
    lines.push({ level, message, context });
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
  return { logger, lines };
}

/** A memory connector whose start() fails while `failing.starts > 0`. */
function flakyConnector(failing: { starts: number }) {
  return class FlakyStart extends MemoryQueueConnector {
    constructor(config: ConnectorConfig, queueConfig: MemoryQueueConfig, queueName: string) {
      super(config, queueConfig, queueName);
    }
    override async start(): Promise<void> {
      if (failing.starts > 0) {
        failing.starts--;
        throw new Error("ECONNREFUSED 127.0.0.1:5672");
      }
      await super.start();
    }
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("lifecycle edges", () => {
  test("start() after a failed start() retries cleanly and consumes", async () => {
    const failing = { starts: 1 };
    const queue = new MemoryQueue();
    const steady = new MemoryQueue();
    const app = createRomeways({ logger: recordingLogger().logger, handleSignals: false });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    app.connectorRegister({
      connector: flakyConnector(failing),
      config: { connectorName: "flaky" },
    });
    app.queueConsumer("steady", { connectorName: "mem", queue: steady }, () => {});
    const handled: string[] = [];
    app.queueConsumer("jobs", { connectorName: "flaky", queue }, (m) => {
      handled.push(m.payload);
    });
    const error = await rejection(app.start());
    expect(ConfigError.isInstance(error)).toBe(false);
    expect(error.message).toMatch(/ECONNREFUSED.*start\(\) may be called again/);
    expect((await app.health()).state).toBe("idle");
    const done = nextEvent(app, "message:handled", { timeoutMs: 5_000 });
    await app.start();
    queue.put("after the retry");
    await done;
    await app.stop();
    expect(handled).toEqual(["after the retry"]);
  });

  test("start() twice says so in words, and is no ConfigError", async () => {
    const app = createRomeways({ logger: recordingLogger().logger, handleSignals: false });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    app.queueConsumer("q", { connectorName: "mem", queue: new MemoryQueue() }, () => {});
    const first = app.start();
    const whileStarting = await rejection(app.start());
    await first;
    const whileRunning = await rejection(app.start());
    await app.stop();
    const afterStop = await rejection(app.start());
    for (const error of [whileStarting, whileRunning, afterStop]) {
      expect(RomewaysError.isInstance(error)).toBe(true);
      expect(ConfigError.isInstance(error)).toBe(false);
    }
    expect(whileStarting.message).toBe(
      "start() was already called and is still starting: await that first call instead",
    );
    expect(whileRunning.message).toBe(
      "start() was already called: the app is running (stop() stops it)",
    );
    expect(afterStop.message).toMatch(/an app starts once; create a new one with createRomeways/);
  });

  test("stop() before start() does nothing, says so, and leaves the app startable", async () => {
    const { logger, lines } = recordingLogger();
    const app = createRomeways({ logger, handleSignals: false });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    const queue = new MemoryQueue();
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    await app.stop();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "info",
        message: "stop() called before start(): nothing to stop",
      }),
    );
    const handled = nextEvent(app, "message:handled", { timeoutMs: 5_000 });
    await app.start();
    queue.put("x");
    await handled;
    await app.stop();
  });

  test("start and stop write info lines: started, connector started, stopping, stopped", async () => {
    const { logger, lines } = recordingLogger();
    const app = createRomeways({ logger, handleSignals: false });
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
    app.queueConsumer("orders", { connectorName: "mem", queue: new MemoryQueue() }, () => {});
    await app.start();
    await app.stop();
    const info = lines.filter((l) => l.level === "info").map((l) => l.message);
    expect(info[0]).toBe('connector "mem" started for queue "orders"');
    expect(info[1]).toMatch(/^romeways started: 1 queue\(s\) in this process, in \d+ ms$/);
    expect(info[2]).toBe("romeways stopping: draining in-flight handlers (up to 30000 ms)");
    expect(info[3]).toBe("romeways stopped: drained");
  });
});

describe("stop() when the broker never answers", () => {
  test("ends by shutdownTimeoutMs plus the fixed margin, even if ack() and stop() never settle", async () => {
    class FrozenBroker extends MemoryQueueConnector {
      constructor(config: ConnectorConfig, queueConfig: MemoryQueueConfig, queueName: string) {
        super(config, queueConfig, queueName);
      }
      override ack(): Promise<void> {
        return new Promise(() => {});
      }
      override stop(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const { logger, lines } = recordingLogger();
    const app = createRomeways({ logger, handleSignals: false, shutdownTimeoutMs: 0 });
    app.connectorRegister({ connector: FrozenBroker, config: { connectorName: "frozen" } });
    const queue = new MemoryQueue();
    app.queueConsumer("q", { connectorName: "frozen", queue }, () => {});
    const handled = nextEvent(app, "message:handled", { timeoutMs: 5_000 });
    await app.start();
    queue.put("its ack never returns");
    await handled;
    const stopped = nextEvent(app, "app:stopped", { timeoutMs: 15_000 });
    await app.stop();
    expect(await stopped).toEqual({ drained: false });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: expect.stringMatching(
          /^connectors did not acknowledge or stop within shutdownTimeoutMs \+ 5000 ms/,
        ),
      }),
    );
  });
});

describe("the console logger", () => {
  const error = new Error("connect ECONNREFUSED 127.0.0.1:9092");

  test("writes one line per event: message, then key=value, an error as its message", () => {
    const line = formatLine(
      "warn",
      "connector lost its connection",
      { connectorName: "kafka", queueName: "orders", attempt: 3, error },
      false,
    );
    expect(line).toBe(
      '[romeways] warn: connector lost its connection connectorName=kafka queueName=orders attempt=3 error="Error: connect ECONNREFUSED 127.0.0.1:9092"',
    );
    expect(line).not.toContain("\n");
  });

  test("adds the stack, on the lines after, only at level debug", () => {
    const line = formatLine("error", "connector poll failed", { error }, true);
    const [first, ...rest] = line.split("\n");
    expect(first).toBe(
      '[romeways] error: connector poll failed error="Error: connect ECONNREFUSED 127.0.0.1:9092"',
    );
    expect(rest.join("\n")).toContain("lifecycle.test.ts");
  });
});
