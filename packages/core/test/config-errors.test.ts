import { MemoryQueueConnector } from "@romeways/connector-memory";
import { describe, expect, test } from "vitest";
import { ConfigError, createRomeways, type QueueConfig } from "../src/index.js";
import { silentLogger } from "./support.js";

const app = () => createRomeways({ logger: silentLogger, handleSignals: false });
const noop = () => {};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("bad config is a ConfigError naming the queue, the connector and the field", () => {
  test.each<[string, Partial<QueueConfig> & Record<string, unknown>, string]>([
    ["maxChunkSize 0", { maxChunkSize: 0 }, "maxChunkSize"],
    ["maxChunkSize 1.5", { maxChunkSize: 1.5 }, "maxChunkSize"],
    ["negative frequency", { frequency: -1 }, "frequency"],
    ["NaN frequency", { frequency: Number.NaN }, "frequency"],
    ["Infinity frequency", { frequency: Number.POSITIVE_INFINITY }, "frequency"],
    [
      "a sequential that is not a boolean",
      { sequential: "yes" as unknown as boolean },
      "sequential",
    ],
    ["negative maxResends", { maxResends: -1 }, "maxResends"],
    ["an empty deadLetterQueue", { deadLetterQueue: "" }, "deadLetterQueue"],
    ["a deadLetterQueue equal to the queue", { deadLetterQueue: "orders" }, "deadLetterQueue"],
    ["an empty connectorName", { connectorName: "" }, "connectorName"],
  ])("%s", (_, override, field) => {
    const error = configError(() =>
      app().queueConsumer("orders", { connectorName: "mem", ...override } as QueueConfig, noop),
    );
    expect(error.field).toBe(field);
    expect(error.queueName).toBe("orders");
    expect(error.message).toContain('queue "orders"');
    expect(error.message).toContain(`field "${field}"`);
  });

  test("an empty queue name", () => {
    expect(configError(() => app().queueConsumer("", { connectorName: "mem" }, noop)).field).toBe(
      "queueName",
    );
  });

  test("a handler that is not a function", () => {
    const error = configError(() =>
      app().queueConsumer("orders", { connectorName: "mem" }, "nope" as unknown as () => void),
    );
    expect(error.field).toBe("handler");
  });

  test("two consumers for one queue on one connector", () => {
    const romeways = app();
    romeways.queueConsumer("orders", { connectorName: "mem" }, noop);
    const error = configError(() =>
      romeways.queueConsumer("orders", { connectorName: "mem" }, noop),
    );
    expect(error.message).toMatch(/already has a consumer/);
  });

  test("an unknown connector name, with the names that are registered", () => {
    const error = configError(() =>
      app().connectorRegister({ connector: "rabbit" as "memory", config: { connectorName: "r" } }),
    );
    expect(error.field).toBe("connector");
    expect(error.message).toMatch(/unknown connector "rabbit"/);
    expect(error.message).toContain('"memory"');
  });

  test("a connector registered twice under one connectorName", () => {
    const romeways = app();
    romeways.connectorRegister({
      connector: MemoryQueueConnector,
      config: { connectorName: "mem" },
    });
    const error = configError(() =>
      romeways.connectorRegister({ connector: "memory", config: { connectorName: "mem" } }),
    );
    expect(error.connectorName).toBe("mem");
    expect(error.message).toMatch(/already registered/);
  });

  test("a connector config without connectorName", () => {
    const error = configError(() =>
      app().connectorRegister({
        connector: MemoryQueueConnector,
        config: {} as { connectorName: string },
      }),
    );
    expect(error.field).toBe("config.connectorName");
  });

  test("workers that is not a whole number >= 1", () => {
    const error = configError(() =>
      app().connectorRegister({
        connector: MemoryQueueConnector,
        config: { connectorName: "m" },
        workers: 0,
      }),
    );
    expect(error.field).toBe("workers");
  });

  test("a consumer whose connector was never registered fails start()", async () => {
    const romeways = app();
    romeways.connectorRegister({
      connector: MemoryQueueConnector,
      config: { connectorName: "mem" },
    });
    romeways.queueConsumer("orders", { connectorName: "typo" }, noop);
    const error = await romeways.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).connectorName).toBe("typo");
    expect((error as ConfigError).message).toContain('registered: "mem"');
  });

  test("a memory queue config whose queue is not a MemoryQueue fails start()", async () => {
    const romeways = app();
    romeways.connectorRegister({
      connector: MemoryQueueConnector,
      config: { connectorName: "mem" },
    });
    // @ts-expect-error a queue that is no MemoryQueue is a compile error too
    romeways.queueConsumer("orders", { connectorName: "mem", queue: [] }, noop);
    await expect(romeways.start()).rejects.toThrow(/queue must be a MemoryQueue/);
  });

  test("a negative shutdownTimeoutMs", () => {
    const error = configError(() => createRomeways({ shutdownTimeoutMs: -1 }));
    expect(error.field).toBe("shutdownTimeoutMs");
  });

  test("defaults apply where the seed required a value", () => {
    const romeways = app();
    romeways.queueConsumer("orders", { connectorName: "mem" }, noop);
    expect(romeways.registrations.consumers[0]?.config).toMatchObject({
      frequency: 0,
      maxChunkSize: 10,
      sequential: false,
    });
  });
});
