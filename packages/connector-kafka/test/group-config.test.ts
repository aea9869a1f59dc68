// The group options of a Kafka queue: which assignors it offers and how long start() waits.
import { ConfigError } from "@romeways/core";
import { PartitionAssigners } from "kafkajs";
import { describe, expect, test } from "vitest";
import { type KafkaQueueConfig, resolveConsumerSettings } from "../src/config.js";

const queue: KafkaQueueConfig = { connectorName: "kafka-main", groupId: "payments" };
const settings = (overrides: Partial<KafkaQueueConfig>) =>
  resolveConsumerSettings({ ...queue, ...overrides }, "payments.done");

function configErrorOf(overrides: Record<string, unknown>): ConfigError {
  try {
    settings(overrides as Partial<KafkaQueueConfig>);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("partitionAssigners", () => {
  test("by default offers Java's range, aiokafka's roundrobin, cooperative-sticky, then kafkajs's old name", () => {
    expect(settings({}).partitionAssigners).toEqual([
      "range",
      "roundrobin",
      "cooperative-sticky",
      "RoundRobinAssigner",
    ]);
  });

  test("takes built-in names and kafkajs assigners, in the order given", () => {
    const custom = PartitionAssigners.roundRobin;
    expect(
      settings({ partitionAssigners: ["cooperative-sticky", custom] }).partitionAssigners,
    ).toEqual(["cooperative-sticky", custom]);
  });

  test.each([
    ["an empty list", [], /non-empty list/],
    ["not a list", "range", /non-empty list/],
    ["an unknown name", ["sticky"], /"sticky" is not one of/],
    ["a name twice", ["range", "range"], /names range twice/],
  ])("%s is a ConfigError naming the field", (_, partitionAssigners, message) => {
    const error = configErrorOf({ partitionAssigners });
    expect(error.field).toBe("partitionAssigners");
    expect(error.queueName).toBe("payments.done");
    expect(error.message).toMatch(message);
  });
});

describe("joinTimeoutMs", () => {
  test("defaults to sessionTimeout + rebalanceTimeout + 5 s", () => {
    expect(settings({}).joinTimeoutMs).toBe(95_000);
    expect(settings({ sessionTimeout: 10_000, rebalanceTimeout: 20_000 }).joinTimeoutMs).toBe(
      35_000,
    );
  });

  test.each([0, -1, 1.5, Number.NaN, 2 ** 31])("%s is a ConfigError naming the field", (value) => {
    expect(configErrorOf({ joinTimeoutMs: value }).field).toBe("joinTimeoutMs");
  });
});
