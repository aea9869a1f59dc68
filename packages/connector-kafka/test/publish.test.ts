// romeways.publish on the real broker: it resolves once the broker has the message.
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { ConfigError, createRomeways } from "@romeways/core";
import { describe, expect, test } from "vitest";
import {
  connectorConfig,
  createTestTopic,
  kafkaAdmin,
  queueConfig,
  startedConnector,
  take,
  text,
} from "./kafka-test-kit.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The partition's end offset: how many messages the broker has in it. */
async function endOffset(topic: string): Promise<string | undefined> {
  const [partition] = await (await kafkaAdmin()).fetchTopicOffsets(topic);
  return partition?.high;
}

describe("romeways.publish with Kafka", () => {
  test("publish resolves once the broker has the message (idempotent producer, acks all), with its key and headers", async () => {
    const orders = await createTestTopic();
    const audit = await createTestTopic();
    const romeways = createRomeways({ handleSignals: false, logger: silent });
    romeways.queueConsumer("orders", queueConfig(orders), () => {});
    romeways.connectorRegister({
      connector: KafkaQueueConnector,
      config: connectorConfig({ producer: { idempotent: true } }),
    });
    // Not started: publishing needs no consumer group.
    await romeways.publish(
      "orders",
      { id: 1 },
      { key: "customer-1", headers: { "x-tenant": "a" } },
    );
    expect(await endOffset(orders.topic)).toBe("1");
    // A topic this app does not consume: the queue name is the topic.
    await romeways.producer("kafka-test").publish(audit.topic, "order 1 placed");
    expect(await endOffset(audit.topic)).toBe("1");
    await romeways.stop();

    const [message] = await take(await startedConnector(orders), 1);
    expect(text(message as never)).toBe('{"id":1}');
    expect(Buffer.from(message?.key as Uint8Array).toString()).toBe("customer-1");
    expect(message?.headers).toEqual({ "x-tenant": "a" });
    const [audited] = await take(await startedConnector(audit), 1);
    expect(text(audited as never)).toBe("order 1 placed");
  });

  test("producer options are checked: idempotence needs acks all, and unknown options are named", async () => {
    const orders = await createTestTopic();
    const publishWith = async (producer: object) => {
      const romeways = createRomeways({ handleSignals: false, logger: silent });
      romeways.queueConsumer("orders", queueConfig(orders), () => {});
      romeways.connectorRegister({
        connector: KafkaQueueConnector,
        config: connectorConfig({ producer } as never),
      });
      return romeways.publish("orders", "x").catch((error: unknown) => error);
    };
    const notAll = await publishWith({ idempotent: true, acks: 1 });
    expect(ConfigError.isInstance(notAll)).toBe(true);
    expect(notAll).toMatchObject({ field: "producer.acks" });
    expect(await publishWith({ acks: "al" })).toMatchObject({ field: "producer.acks" });
    expect(await publishWith({ idempotant: true })).toMatchObject({
      field: "producer.idempotant",
    });
    expect(await endOffset(orders.topic)).toBe("0");
  });
});
