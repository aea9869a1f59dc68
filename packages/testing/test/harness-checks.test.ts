import type { KafkaRawMessage } from "@romeways/connector-kafka";
import "@romeways/connector-amqp";
import "@romeways/connector-kafka";
import "@romeways/connector-nats";
import "@romeways/connector-sqs";
import type { RedisRawMessage } from "@romeways/connector-redis";
import "@romeways/connector-redis";
import { ConfigError, createRomeways, type StandardSchemaV1 } from "@romeways/core";
import { createTestHarness, FakeConnector, type TestHarness, testHandler } from "@romeways/testing";
import { describe, expect, expectTypeOf, test } from "vitest";

async function harnessError(start: () => Promise<TestHarness>): Promise<ConfigError> {
  const result = await start().then(
    async (harness) => {
      await harness.stop();
      return undefined;
    },
    (error: unknown) => error,
  );
  if (!ConfigError.isInstance(result))
    throw new Error(`expected a ConfigError, got ${String(result)}`);
  return result;
}

function kafkaApp() {
  const app = createRomeways({ handleSignals: false });
  const kafka = app.connectorRegister({
    connector: "kafka",
    config: { connectorName: "kafka-main", brokers: "localhost:9092" },
  });
  return { app, kafka };
}

describe("the harness checks what production checks", () => {
  test("a Kafka queue without groupId fails the test, as start() would, without a broker", async () => {
    const { app, kafka } = kafkaApp();
    // @ts-expect-error groupId is required: the compiler says so first
    kafka.queueConsumer("orders", { topic: "orders" }, () => {});
    const error = await harnessError(() => createTestHarness(app));
    expect(error.field).toBe("groupId");
    expect(error.queueName).toBe("orders");
  });

  test("a typo in a Kafka queue config fails with a suggestion", async () => {
    const { app, kafka } = kafkaApp();
    // A variable, not a literal (which the compiler refuses): what plain JavaScript passes.
    const config: Record<string, unknown> = { groupId: "g", maxChunksize: 5 };
    kafka.queueConsumer("orders", config as { groupId: string }, () => {});
    const error = await harnessError(() => createTestHarness(app));
    expect(error.field).toBe("maxChunksize");
    expect(error.message).toContain('did you mean "maxChunkSize"?');
  });

  test("an unknown Kafka queue field fails with the field it was meant to be", async () => {
    const { app, kafka } = kafkaApp();
    const config: Record<string, unknown> = { groupId: "g", topik: "orders" };
    kafka.queueConsumer("orders", config as { groupId: string }, () => {});
    const error = await harnessError(() => createTestHarness(app));
    expect(error.field).toBe("topik");
    expect(error.message).toContain('did you mean "topic"?');
  });

  test("a Redis queue without group fails the test", async () => {
    const app = createRomeways({ handleSignals: false });
    const redis = app.connectorRegister({
      connector: "redis",
      config: { connectorName: "redis-main", url: "redis://127.0.0.1:1" },
    });
    // @ts-expect-error group is required
    redis.queueConsumer("orders", {}, () => {});
    const error = await harnessError(() => createTestHarness(app));
    expect(error.field).toBe("group");
  });

  test("Kafka messages carry topic, partition and offset in raw; Redis ones stream and id", async () => {
    const { app, kafka } = kafkaApp();
    const seen: string[] = [];
    kafka.queueConsumer("orders", { groupId: "g", topic: "orders-v2" }, (message) => {
      const raw = message.raw as KafkaRawMessage;
      seen.push(`${raw.topic}/${raw.partition}@${raw.offset} ${message.payload}`);
    });
    const redis = app.connectorRegister({
      connector: "redis",
      config: { connectorName: "redis-main" },
    });
    redis.queueConsumer("events", { group: "g" }, (message) => {
      const raw = message.raw as RedisRawMessage;
      seen.push(`${raw.stream} ${/^\d+-0$/.test(raw.id) ? "id ok" : raw.id} ${message.payload}`);
    });
    await using harness = await createTestHarness(app);
    harness.publish("orders", "a");
    harness.publish("orders", "b");
    harness.publish("events", "c");
    await harness.settled();
    expect(seen.sort()).toEqual(["events id ok c", "orders-v2/0@0 a", "orders-v2/0@1 b"]);
  });

  test("an adapter of one's own fills the raw fields and checks a connector that declares nothing", async () => {
    const app = createRomeways({ handleSignals: false });
    class PlainConnector extends FakeConnector {}
    const plain = app.connectorRegister({
      connector: PlainConnector,
      config: { connectorName: "p" },
    });
    const seen: unknown[] = [];
    plain.queueConsumer("jobs", { maxChunkSize: 2 }, (message) => {
      seen.push((message.raw as { receipt?: string }).receipt);
    });
    const adapters = {
      p: {
        rawFields: (_raw: unknown, { sequence }: { sequence: number }) => ({
          receipt: `r${sequence}`,
        }),
        check: (_c: unknown, q: { maxChunkSize?: number }) => {
          if (q.maxChunkSize === 3) throw new ConfigError("no 3", { field: "maxChunkSize" });
        },
      },
    };
    await using harness = await createTestHarness(app, { adapters });
    harness.publish("jobs", "a");
    await harness.settled();
    expect(seen).toEqual(["r0"]);
    const refused = createRomeways({ handleSignals: false });
    refused
      .connectorRegister({ connector: PlainConnector, config: { connectorName: "p" } })
      .queueConsumer("jobs", { maxChunkSize: 3 }, () => {});
    const error = await harnessError(() => createTestHarness(refused, { adapters }));
    expect(error.field).toBe("maxChunkSize");
  });

  test("AMQP, NATS and SQS messages carry their connectors' raw fields", async () => {
    const app = createRomeways({ handleSignals: false });
    const seen: Record<string, unknown> = {};
    const record = (name: string) => (message: { raw: object }) => {
      seen[name] = message.raw;
    };
    app
      .connectorRegister({
        connector: "amqp",
        config: { connectorName: "amqp", url: "amqp://127.0.0.1:1" },
      })
      .queueConsumer("a", { queue: "jobs" }, record("amqp"));
    app
      .connectorRegister({
        connector: "nats",
        config: { connectorName: "nats", servers: "127.0.0.1:1" },
      })
      .queueConsumer("n", { group: "g", subject: "jobs.n" }, record("nats"));
    app
      .connectorRegister({
        connector: "sqs",
        config: { connectorName: "sqs", region: "eu-west-1" },
      })
      .queueConsumer("s", {}, record("sqs"));
    await using harness = await createTestHarness(app);
    for (const queue of ["a", "n", "s"]) harness.publish(queue, "x");
    await harness.settled();
    expect(seen.amqp).toMatchObject({ queue: "jobs", routingKey: "jobs", redelivered: false });
    expect(seen.nats).toMatchObject({ subject: "jobs.n", stream: "n", streamSequence: 1 });
    expect(seen.sqs).toMatchObject({ sqs: { messageId: "harness-0", receiveCount: 1 } });
  });

  test("await using stops the harness at the end of the scope", async () => {
    const { app, kafka } = kafkaApp();
    kafka.queueConsumer("orders", { groupId: "g" }, () => {});
    let stopped = false;
    {
      await using harness = await createTestHarness(app);
      harness.events.once("app:stopped", () => {
        stopped = true;
      });
      harness.publish("orders", "x");
      await harness.settled();
    }
    expect(stopped).toBe(true);
  });

  test("testHandler types message.data by the schema, and an invalid payload fails", async () => {
    const positive: StandardSchemaV1<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) =>
          typeof value === "number" && value > 0
            ? { value }
            : { issues: [{ message: "expected a positive number" }] },
      },
    };
    const seen: number[] = [];
    const outcomes = await testHandler(
      (message) => {
        expectTypeOf(message.data).toEqualTypeOf<number>();
        seen.push(message.data);
      },
      ["2", "-1"],
      { schema: positive },
    );
    expect(seen).toEqual([2]);
    expect(outcomes.map((o) => o.outcome)).toEqual(["handled", "failed"]);
  });
});
