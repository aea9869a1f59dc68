import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { RomewaysError } from "@romeways/core";
import { logLevel } from "kafkajs";
import { describe, expect, test } from "vitest";
import { connectorConfig, createTestTopic, queueConfig } from "./kafka-test-kit.js";

async function startError(connector: KafkaQueueConnector): Promise<unknown> {
  try {
    await connector.start();
  } catch (error) {
    return error;
  } finally {
    await connector.stop();
  }
  throw new Error("start() resolved");
}

describe("starting a Kafka consumer", () => {
  test("fails, naming the topic, when the topic does not exist", async () => {
    const topic = { topic: "romeways-test-does-not-exist", groupId: "nobody", partitions: 1 };
    const error = await startError(
      new KafkaQueueConnector(
        connectorConfig({ logLevel: logLevel.NOTHING }),
        queueConfig(topic),
        topic.topic,
      ),
    );
    expect(RomewaysError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('topic "romeways-test-does-not-exist"');
  });

  test("fails when the broker refuses to let the consumer join the group", async () => {
    const topic = await createTestTopic();
    // Below the broker's group.min.session.timeout.ms: kafkajs reports it as a crash, not an error.
    const connector = new KafkaQueueConnector(
      connectorConfig({ logLevel: logLevel.NOTHING }),
      queueConfig(topic, { sessionTimeout: 500, heartbeatInterval: 100 }),
      topic.topic,
    );
    expect(String(await startError(connector))).toMatch(/could not start: .*session timeout/i);
  });
});
