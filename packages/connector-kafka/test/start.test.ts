import { randomUUID } from "node:crypto";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { RomewaysError } from "@romeways/core";
import { logLevel } from "kafkajs";
import { describe, expect, test } from "vitest";
import {
  connectorConfig,
  createTestTopic,
  kafkaAdmin,
  produce,
  queueConfig,
  take,
  text,
} from "./kafka-test-kit.js";

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
    expect(String(error)).toContain("createTopics");
  });

  test("fails, naming the dead-letter topic and what to do, when that topic does not exist", async () => {
    const topic = await createTestTopic();
    const deadLetterQueue = `${topic.topic}-missing-dlq`;
    const error = await startError(
      new KafkaQueueConnector(
        connectorConfig({ logLevel: logLevel.NOTHING }),
        queueConfig(topic, { deadLetterQueue }),
        topic.topic,
      ),
    );
    expect(RomewaysError.isInstance(error)).toBe(true);
    expect(String(error)).toContain(`topic "${deadLetterQueue}" (the dead-letter topic of queue`);
    expect(String(error)).toContain(`--create --topic ${deadLetterQueue}`);
  });

  test("with allowAutoTopicCreation, the first start on a new topic creates it and consumes", async () => {
    const name = `romeways-test-auto-${randomUUID().slice(0, 8)}`;
    const topic = { topic: name, groupId: `${name}-group`, partitions: 1 };
    const connector = new KafkaQueueConnector(
      connectorConfig({ allowAutoTopicCreation: true }),
      queueConfig(topic, { deadLetterQueue: `${name}-dlq` }),
      name,
    );
    const admin = await kafkaAdmin();
    try {
      await connector.start();
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([name, `${name}-dlq`]));
      await produce(name, [{ value: "first" }]);
      expect((await take(connector, 1, { timeoutMs: 30_000 })).map(text)).toEqual(["first"]);
    } finally {
      await connector.stop();
      await admin.deleteTopics({ topics: [name, `${name}-dlq`] }).catch(() => {});
    }
  });

  test("createTopics creates a missing topic with the partitions asked for", async () => {
    const name = `romeways-test-create-${randomUUID().slice(0, 8)}`;
    const topic = { topic: name, groupId: `${name}-group`, partitions: 3 };
    const connector = new KafkaQueueConnector(
      connectorConfig({ createTopics: { partitions: 3, replicationFactor: 1 } }),
      queueConfig(topic),
      name,
    );
    const admin = await kafkaAdmin();
    try {
      await connector.start();
      const metadata = await admin.fetchTopicMetadata({ topics: [name] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
      expect(connector.health()).toMatchObject({
        connected: true,
        assigned: [`${name}-0`, `${name}-1`, `${name}-2`],
      });
    } finally {
      await connector.stop();
      await admin.deleteTopics({ topics: [name] }).catch(() => {});
    }
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
