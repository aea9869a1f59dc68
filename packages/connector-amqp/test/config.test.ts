// Config mistakes are ConfigErrors naming the field, before any connection is made.
import { AmqpQueueConnector } from "@romeways/connector-amqp";
import { ConfigError } from "@romeways/core";
import { describe, expect, test } from "vitest";

const connector = { connectorName: "amqp-test", url: "amqp://127.0.0.1:1" };
const queue = { connectorName: "amqp-test" };

function fieldOf(build: () => unknown): string | undefined {
  try {
    build();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
}

describe("AMQP connector config", () => {
  test.each([
    ["url", () => new AmqpQueueConnector({ ...connector, url: "http://x" }, queue, "q")],
    [
      "queueType",
      () => new AmqpQueueConnector({ ...connector, queueType: "stream" as never }, queue, "q"),
    ],
    [
      "queueType",
      () => new AmqpQueueConnector(connector, { ...queue, queueType: "lazy" as never }, "q"),
    ],
    [
      "declare",
      () => new AmqpQueueConnector({ ...connector, declare: "yes" as never }, queue, "q"),
    ],
    ["queue", () => new AmqpQueueConnector(connector, { ...queue, queue: "" }, "q")],
    ["queue", () => new AmqpQueueConnector(connector, { ...queue, queue: "amq.gen-1" }, "q")],
    ["exchange", () => new AmqpQueueConnector(connector, { ...queue, exchange: "" }, "q")],
    [
      "exchangeType",
      () => new AmqpQueueConnector(connector, { ...queue, exchangeType: "x" as never }, "q"),
    ],
    [
      "bindingKeys",
      () => new AmqpQueueConnector(connector, { ...queue, bindingKeys: "a" as never }, "q"),
    ],
  ])("a bad %s is a ConfigError naming it", (field, build) => {
    expect(fieldOf(build)).toBe(field);
  });

  test.each([
    [{ prefetch: 0 }],
    [{ prefetch: 70_000 }],
    [{ prefetch: 1.5 }],
    [{ prefetch: 5, maxChunkSize: 10 }],
  ])("prefetch %o is refused by start(), naming the field", async (fields) => {
    const instance = new AmqpQueueConnector(connector, { ...queue, ...fields }, "q");
    const error = await instance.start().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error) && error.field).toBe("prefetch");
  });

  test("a send-only instance needs nothing but the generic fields", () => {
    expect(fieldOf(() => new AmqpQueueConnector(connector, queue, "dead-letters"))).toBeUndefined();
  });
});

describe("AMQP connector config through romeways", () => {
  test("a misspelt queue field is a ConfigError naming it, before any connection", async () => {
    const { createRomeways } = await import("@romeways/core");
    await import("@romeways/connector-amqp");
    const romeways = createRomeways({ handleSignals: false });
    romeways.connectorRegister({ connector: "amqp", config: connector });
    romeways.queueConsumer(
      "q",
      { connectorName: "amqp-test", prefech: 5 } as never,
      async () => {},
    );
    const error = await romeways.start().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error) && error.field).toMatch(/prefech/);
    await romeways.stop();
  });
});
