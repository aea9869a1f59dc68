// Bad config is a ConfigError naming the queue, the connector and the field.
import { type RedisQueueConfig, RedisQueueConnector } from "@romeways/connector-redis";
import { ConfigError } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { redisUrl, testStream } from "./redis-test-kit.js";

const queue: RedisQueueConfig = { connectorName: "redis-test", group: "g" };

function configError(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("no ConfigError");
}

async function startError(queueConfig: Partial<RedisQueueConfig>): Promise<ConfigError> {
  const connector = new RedisQueueConnector(
    { connectorName: "redis-test", url: redisUrl() },
    { ...queue, ...queueConfig } as RedisQueueConfig,
    "orders",
  );
  try {
    await connector.start();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  } finally {
    await connector.stop();
  }
  throw new Error("start() did not fail");
}

describe("Redis connector config", () => {
  test.each([
    ["url", { url: "" }],
    ["maxLength", { maxLength: 0 }],
    ["maxLength", { maxLength: 1.5 }],
  ])("a bad %s is named when the connector is built", (field, connectorConfig) => {
    const error = configError(
      () =>
        new RedisQueueConnector(
          { connectorName: "redis-test", ...connectorConfig },
          queue,
          "orders",
        ),
    );
    expect(error).toMatchObject({ field, queueName: "orders", connectorName: "redis-test" });
  });

  test("an empty stream is named when the connector is built", () => {
    const error = configError(
      () =>
        new RedisQueueConnector(
          { connectorName: "redis-test" },
          { ...queue, stream: "" },
          "orders",
        ),
    );
    expect(error.field).toBe("stream");
  });

  test.each([
    ["group", { group: "" }],
    ["consumer", { consumer: "" }],
    ["claimIdleMs", { claimIdleMs: 0 }],
    ["claimIdleMs", { claimIdleMs: 2 ** 31 }],
    ["blockMs", { blockMs: 0 }],
  ])("a bad %s is named when the consumer starts", async (field, queueConfig) => {
    const error = await startError(queueConfig);
    expect(error).toMatchObject({ field, queueName: "orders", connectorName: "redis-test" });
  });

  test("a send-only instance needs no group", async () => {
    const producer = new RedisQueueConnector(
      { connectorName: "redis-test", url: redisUrl() },
      { connectorName: "redis-test" } as RedisQueueConfig,
      testStream().stream,
    );
    await producer.sendMessage({ body: new Uint8Array([1]) });
    await producer.stop();
  });

  test("an unreachable Redis makes start() fail, naming the stream and group", async () => {
    const connector = new RedisQueueConnector(
      { connectorName: "redis-test", url: "redis://127.0.0.1:1", retryStrategy: () => null },
      queue,
      "orders",
    );
    await expect(connector.start()).rejects.toThrow(/stream "orders" in group "g" could not start/);
    await connector.stop();
  });
});
