// Helpers for tests against the real broker: every test gets its own topic and group.
import { randomUUID } from "node:crypto";
import {
  type KafkaConnectorConfig,
  type KafkaQueueConfig,
  KafkaQueueConnector,
  type KafkaRawMessage,
} from "@romeways/connector-kafka";
import type { RawMessage } from "@romeways/core";
import { type Admin, Kafka, logLevel, type Message, Partitioners, type Producer } from "kafkajs";
import { afterAll, inject, onTestFinished } from "vitest";

export const kafkaBrokers = (): string => inject("kafkaBrokers");

let kafka: Kafka | undefined;
let admin: Promise<Admin> | undefined;
let producer: Promise<Producer> | undefined;

/** The kafkajs client of this test file. */
export function client(): Kafka {
  kafka ??= new Kafka({
    brokers: [kafkaBrokers()],
    clientId: "romeways-tests",
    logLevel: logLevel.NOTHING,
  });
  return kafka;
}

/** The admin client of this test file (connected once, closed after the file). */
export function kafkaAdmin(): Promise<Admin> {
  admin ??= (async () => {
    const connecting = client().admin();
    await connecting.connect();
    return connecting;
  })();
  return admin;
}

afterAll(async () => {
  await Promise.all([admin?.then((a) => a.disconnect()), producer?.then((p) => p.disconnect())]);
  admin = undefined;
  producer = undefined;
  kafka = undefined;
});

export interface TestTopic {
  topic: string;
  groupId: string;
  partitions: number;
}

export interface TestTopicOptions {
  partitions?: number;
  /** Topic configs, e.g. { "max.message.bytes": "2097152" }. */
  config?: Record<string, string>;
}

/** Creates a fresh topic (and names a fresh group) that are deleted when the test ends. */
export async function createTestTopic(options: TestTopicOptions = {}): Promise<TestTopic> {
  const partitions = options.partitions ?? 1;
  const topic = `romeways-test-${randomUUID().slice(0, 8)}`;
  const groupId = `${topic}-group`;
  const adminClient = await kafkaAdmin();
  await adminClient
    .createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          configEntries: Object.entries(options.config ?? {}).map(([name, value]) => ({
            name,
            value,
          })),
        },
      ],
    })
    .catch(async (error: unknown) => {
      // Created, but the leader wait asked before the broker's metadata knew the topic (seen
      // right after another test's topic was deleted): wait for the leaders here instead.
      if ((error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
      await waitUntil("the new topic has its leaders", async () => {
        const metadata = await adminClient
          .fetchTopicMetadata({ topics: [topic] })
          .catch(() => undefined);
        const found = metadata?.topics[0]?.partitions ?? [];
        return found.length === partitions && found.every((p) => p.leader >= 0);
      });
    });
  onTestFinished(async () => {
    await adminClient.deleteGroups([groupId]).catch(() => {});
    await adminClient.deleteTopics({ topics: [topic] }).catch(() => {});
  });
  return { topic, groupId, partitions };
}

/** Produces with a producer of the test file (not the connector's). */
export async function produce(topic: string, messages: Message[]): Promise<void> {
  producer ??= (async () => {
    const created = client().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await created.connect();
    return created;
  })();
  const connected = await producer;
  for (let start = 0; start < messages.length; start += 1_000) {
    await connected.send({ topic, messages: messages.slice(start, start + 1_000) });
  }
}

/** The group's committed offsets of the topic by partition (-1 where none). */
export async function committedOffsets(
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const [offsets] = await (await kafkaAdmin()).fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

export function connectorConfig(
  overrides: Partial<KafkaConnectorConfig> = {},
): KafkaConnectorConfig {
  return {
    connectorName: "kafka-test",
    brokers: kafkaBrokers(),
    logLevel: logLevel.ERROR,
    ...overrides,
  };
}

export function queueConfig(
  topic: TestTopic,
  overrides: Partial<KafkaQueueConfig> = {},
): KafkaQueueConfig {
  return {
    connectorName: "kafka-test",
    topic: topic.topic,
    groupId: topic.groupId,
    fromBeginning: true,
    ...overrides,
  };
}

/** A started connector on `topic`, stopped when the test ends. */
export async function startedConnector(
  topic: TestTopic,
  overrides: Partial<KafkaQueueConfig> = {},
): Promise<KafkaQueueConnector> {
  const connector = new KafkaQueueConnector(
    connectorConfig(),
    queueConfig(topic, overrides),
    topic.topic,
  );
  await connector.start();
  onTestFinished(() => connector.stop());
  return connector;
}

export interface TakeOptions {
  maxChunkSize?: number;
  /** Acknowledge each chunk (default true). */
  ack?: boolean;
  timeoutMs?: number;
  /** Called with each chunk, e.g. to record chunk sizes. */
  onChunk?: (chunk: KafkaRawMessage[]) => void;
}

/** Polls until `count` messages came (or fails after the timeout). */
export async function take(
  connector: KafkaQueueConnector,
  count: number,
  options: TakeOptions = {},
): Promise<KafkaRawMessage[]> {
  const { maxChunkSize = 100, ack = true, timeoutMs = 60_000 } = options;
  const signal = AbortSignal.timeout(timeoutMs);
  const taken: KafkaRawMessage[] = [];
  while (taken.length < count) {
    const chunk = (await connector.getMessages(maxChunkSize, signal)) as KafkaRawMessage[];
    if (signal.aborted) {
      throw new Error(`took ${taken.length} of ${count} messages within ${timeoutMs} ms`);
    }
    options.onChunk?.(chunk);
    taken.push(...chunk);
    if (ack) await connector.ack(chunk);
  }
  return taken;
}

export const text = (message: RawMessage): string | null =>
  message.body === null ? null : Buffer.from(message.body).toString("utf8");

export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Waits until `check` returns true, polling every `intervalMs`; fails after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
