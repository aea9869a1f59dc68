// Bad config is a ConfigError naming the field: connection fields when the instance is built,
// consumer fields in start(). None of these tests needs the server to answer.
import { NatsQueueConnector } from "@romeways/connector-nats";
import { ConfigError, createRomeways } from "@romeways/core";
import { describe, expect, test } from "vitest";

const connectorName = "nats-test";

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    throw error;
  }
  return undefined;
}

async function startFieldOf(queueConfig: Record<string, unknown>): Promise<string | undefined> {
  const connector = new NatsQueueConnector(
    { connectorName, servers: "nats://127.0.0.1:1" },
    { connectorName, ...queueConfig } as never,
    "orders",
  );
  try {
    await connector.start();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.field;
    return "not a ConfigError";
  }
  return undefined;
}

describe("NatsQueueConnector config", () => {
  test.each([
    [{ servers: "" }, "servers"],
    [{ servers: ["nats://a:4222", 4] }, "servers"],
    [{ stream: { storage: "disk" } }, "stream.storage"],
    [{ stream: { replicas: 0 } }, "stream.replicas"],
    [{ stream: { duplicateWindowMs: 1.5 } }, "stream.duplicateWindowMs"],
    [{ declare: "yes" }, "declare"],
    [{ deduplicate: 1 }, "deduplicate"],
  ])("connector config %j fails on %s", (config, field) => {
    expect(
      fieldOf(
        () =>
          new NatsQueueConnector(
            { connectorName, ...config } as never,
            { connectorName, group: "g" },
            "orders",
          ),
      ),
    ).toBe(field);
  });

  test.each([
    ["orders.*", {}, "queueName"],
    ["orders", { subject: "orders.>" }, "subject"],
    ["orders", { subject: "orders..new" }, "subject"],
    ["orders", { stream: "a.b" }, "stream"],
  ])("queue %s with %j fails on %s", (queueName, queueConfig, field) => {
    expect(
      fieldOf(
        () =>
          new NatsQueueConnector(
            { connectorName },
            { connectorName, group: "g", ...queueConfig },
            queueName,
          ),
      ),
    ).toBe(field);
  });

  test("a queue name with dots gets a stream with underscores", () => {
    expect(
      fieldOf(
        () =>
          new NatsQueueConnector(
            { connectorName },
            { connectorName, group: "g" },
            "queue.payment.done",
          ),
      ),
    ).toBeUndefined();
  });

  test.each([
    [{}, "group"],
    [{ group: "a.b" }, "group"],
    [{ group: "g", ackWaitMs: 100 }, "ackWaitMs"],
    [{ group: "g", expiresMs: 0 }, "expiresMs"],
    [{ group: "g", maxAckPending: -1 }, "maxAckPending"],
  ])("start() with %j fails on %s before connecting", async (queueConfig, field) => {
    expect(await startFieldOf(queueConfig)).toBe(field);
  });

  test("an unknown field is a ConfigError with a did-you-mean, at registration and at start()", async () => {
    const romeways = createRomeways();
    let error: unknown;
    try {
      romeways.connectorRegister({
        connector: NatsQueueConnector,
        config: { connectorName, server: "nats://127.0.0.1:1" } as never,
      });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error) && error.field).toBe("config.server");
    expect(String(error)).toContain('did you mean "servers"');

    romeways.connectorRegister({ connector: NatsQueueConnector, config: { connectorName } });
    romeways.queueConsumer(
      "orders",
      { connectorName, group: "g", ackWaitMs: 10 } as never,
      async () => {},
    );
    await expect(romeways.start()).rejects.toMatchObject({ field: "ackWaitMs" });
  });
});
