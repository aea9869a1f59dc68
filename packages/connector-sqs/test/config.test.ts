// Config mistakes are ConfigErrors that name the field, before anything is sent.
import { SqsQueueConnector } from "@romeways/connector-sqs";
import { ConfigError, type ConnectorConfig } from "@romeways/core";
import { describe, expect, test } from "vitest";

const base = { connectorName: "sqs-test", endpoint: "http://127.0.0.1:9324", region: "us-east-1" };

function fieldOf(build: () => unknown): string | undefined {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return (error as ConfigError).field;
    throw error;
  }
  return undefined;
}

describe("SQS connector config", () => {
  test.each([
    ["endpoint", { ...base, endpoint: "not a url" }],
    ["endpoint", { ...base, endpoint: "" }],
    ["region", { ...base, region: 42 }],
    ["client", { ...base, client: "eu-west-1" }],
    ["createQueues", { ...base, createQueues: "yes" }],
  ])("connector field %s", (field, config) => {
    const build = () =>
      new SqsQueueConnector(
        config as unknown as ConnectorConfig,
        { connectorName: "sqs-test" },
        "q",
      );
    expect(fieldOf(build)).toBe(field);
  });

  test.each([
    ["queue", { queue: "" }],
    ["groupId", { groupId: "x".repeat(129) }],
  ])("queue field %s, when the instance is built", (field, queueConfig) => {
    const build = () =>
      new SqsQueueConnector(base, { connectorName: "sqs-test", ...queueConfig }, "q");
    expect(fieldOf(build)).toBe(field);
  });

  test.each([
    ["visibilityTimeout", { visibilityTimeout: 0 }],
    ["visibilityTimeout", { visibilityTimeout: 1.5 }],
    ["visibilityTimeout", { visibilityTimeout: 43_201 }],
    ["waitTimeSeconds", { waitTimeSeconds: 0 }],
    ["waitTimeSeconds", { waitTimeSeconds: 21 }],
  ])("consumer field %s, in start() before any request", async (field, queueConfig) => {
    const connector = new SqsQueueConnector(
      base,
      { connectorName: "sqs-test", ...queueConfig },
      "q",
    );
    const error = await connector.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ConfigError.isInstance(error) && (error as ConfigError).field).toBe(field);
  });
});

describe("SQS connector configSpec", () => {
  test("an unknown queue field is a ConfigError when the app starts, naming it", async () => {
    const { createRomeways } = await import("@romeways/core");
    const app = createRomeways({
      handleSignals: false,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    app.connectorRegister({ connector: SqsQueueConnector, config: base });
    app.queueConsumer(
      "q",
      { connectorName: "sqs-test", visibilityTimeOut: 30 } as never,
      async () => {},
    );
    const error = await app.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await app.stop();
    expect(ConfigError.isInstance(error) && (error as ConfigError).field).toBe("visibilityTimeOut");
  });
});
