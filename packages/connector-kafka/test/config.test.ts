import { type KafkaConnectorConfig, KafkaQueueConnector } from "@romeways/connector-kafka";
import { ConfigError } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { resolveConsumerSettings } from "../src/config.js";

const queue = { connectorName: "kafka-main", groupId: "payments" };

function build(connector: Partial<KafkaConnectorConfig>, queueConfig: object = queue) {
  return () =>
    new KafkaQueueConnector(
      {
        connectorName: "kafka-main",
        brokers: "127.0.0.1:9092",
        ...connector,
      } as KafkaConnectorConfig,
      queueConfig as typeof queue,
      "payments.done",
    );
}

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Kafka connector config", () => {
  test("kafkaLogLevel, createTopics, stopTimeoutMs and maxBytesInFlight are checked, naming the field", () => {
    const bad: [Partial<KafkaConnectorConfig>, string][] = [
      [{ kafkaLogLevel: "loud" as never }, "kafkaLogLevel"],
      [{ createTopics: "yes" as never }, "createTopics"],
      [{ createTopics: { partitions: 0 } }, "createTopics"],
      [{ createTopics: { partition: 3 } as never }, "createTopics"],
    ];
    for (const [config, field] of bad) expect(configErrorOf(build(config)).field).toBe(field);
    expect(build({ kafkaLogLevel: "debug", createTopics: { partitions: 3 } })).not.toThrow();
    for (const field of ["stopTimeoutMs", "maxBytesInFlight"]) {
      const error = configErrorOf(() =>
        resolveConsumerSettings({ ...queue, [field]: 0 }, "payments.done"),
      );
      expect(error.field).toBe(field);
    }
    const settings = resolveConsumerSettings(queue, "payments.done");
    expect([settings.stopTimeoutMs, settings.maxBytesInFlight]).toEqual([3_000, 64 * 1024 * 1024]);
  });

  test("commitIntervalMs defaults to 1000 ms, and 0 (commit whenever possible) is allowed", () => {
    expect(resolveConsumerSettings(queue, "payments.done").commitIntervalMs).toBe(1_000);
    const eager = resolveConsumerSettings({ ...queue, commitIntervalMs: 0 }, "payments.done");
    expect(eager.commitIntervalMs).toBe(0);
  });

  test("brokers may be a list or a comma-separated string", () => {
    expect(build({ brokers: ["a:9092", "b:9093"] })).not.toThrow();
    expect(build({ brokers: "a:9092, b:9093" })).not.toThrow();
  });

  test.each([
    ["missing", undefined],
    ["empty", ""],
    ["an empty list", []],
    ["without a port", "localhost"],
    ["not a string", 9092],
  ])("brokers %s is a ConfigError naming the queue, the connector and the field", (_, brokers) => {
    const error = configErrorOf(build({ brokers: brokers as string }));
    expect({ queue: error.queueName, connector: error.connectorName, field: error.field }).toEqual({
      queue: "payments.done",
      connector: "kafka-main",
      field: "brokers",
    });
  });

  test("an empty topic is a ConfigError on topic", () => {
    expect(configErrorOf(build({}, { ...queue, topic: "" })).field).toBe("topic");
  });

  test("an empty clientId is a ConfigError on clientId", () => {
    expect(configErrorOf(build({ clientId: "" })).field).toBe("clientId");
  });

  test.each([
    [{ groupId: undefined }, "groupId"],
    [{ sessionTimeout: -1 }, "sessionTimeout"],
    [{ sessionTimeout: 6_000, heartbeatInterval: 6_000 }, "heartbeatInterval"],
    [{ fromBeginning: "yes" }, "fromBeginning"],
    [{ partitionsConsumedConcurrently: 0 }, "partitionsConsumedConcurrently"],
    [{ commitIntervalMs: -1 }, "commitIntervalMs"],
    [{ commitIntervalMs: 0.5 }, "commitIntervalMs"],
    [{ commitIntervalMs: 2 ** 31 }, "commitIntervalMs"],
  ])("start() rejects %o with a ConfigError on %s, before connecting", async (fields, field) => {
    const connector = build({}, { ...queue, ...fields })();
    const error = await connector.start().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ConfigError.isInstance(error) && error.field).toBe(field);
  });
});
