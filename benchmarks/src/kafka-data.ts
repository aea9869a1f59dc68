// Topics, producing and the romeways app for the Kafka benchmarks: every run gets a fresh
// topic and group, deleted afterwards, so runs never see each other's data or offsets.
import { randomUUID } from "node:crypto";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways, type Handler, type Romeways } from "@romeways/core";
import { type Admin, Kafka, logLevel, type Producer } from "kafkajs";
import { silentLogger } from "./silent-logger.js";

export interface BenchTopic {
  topic: string;
  groupId: string;
}

/** One client, admin and producer per benchmark, against one broker. */
export class KafkaBench {
  readonly kafka: Kafka;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private readonly topics: string[] = [];

  constructor(readonly brokers: string) {
    this.kafka = new Kafka({
      brokers: brokers.split(","),
      clientId: "romeways-bench",
      logLevel: logLevel.ERROR,
    });
  }

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async createTopic(partitions: number): Promise<BenchTopic> {
    const topic = `romeways-bench-${randomUUID().slice(0, 8)}`;
    const admin = this.requireAdmin();
    // kafkajs's own wait for leaders can fail on a busy broker ("does not host this
    // topic-partition") while the topic is being created: create, then wait ourselves.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: partitions }],
    });
    this.topics.push(topic);
    for (let attempt = 0; ; attempt++) {
      const ready = await admin.fetchTopicMetadata({ topics: [topic] }).then(
        ({ topics }) =>
          topics[0]?.partitions.length === partitions &&
          topics[0].partitions.every((p) => p.leader >= 0),
        () => false,
      );
      if (ready) break;
      if (attempt >= 100) throw new Error(`topic ${topic} has no leaders after 100 tries`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { topic, groupId: `${topic}-group` };
  }

  /** Sends `values` round-robin over `partitions`, in batches with several in flight. */
  async produce(topic: string, partitions: number, values: Buffer[]): Promise<void> {
    const batchSize = 2_000;
    const inFlight = 4;
    const producer = this.requireProducer();
    const batches: Buffer[][] = [];
    for (let i = 0; i < values.length; i += batchSize) batches.push(values.slice(i, i + batchSize));
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as Buffer[];
        await producer.send({
          topic,
          messages: batch.map((value, i) => ({ value, partition: i % partitions })),
        });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  }

  /** One message now, to a partition chosen round-robin (for the latency benchmark). */
  async sendNow(topic: string, value: string, partition: number): Promise<void> {
    await this.requireProducer().send({ topic, messages: [{ value, partition }] });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    if (admin !== undefined && this.topics.length > 0) {
      await admin.deleteTopics({ topics: this.topics.splice(0) }).catch(() => {});
    }
    await this.producer?.disconnect().catch(() => {});
    await admin?.disconnect().catch(() => {});
  }

  private requireAdmin(): Admin {
    if (this.admin === undefined) throw new Error("connect() first");
    return this.admin;
  }

  private requireProducer(): Producer {
    if (this.producer === undefined) throw new Error("connect() first");
    return this.producer;
  }
}

/** A romeways app with one Kafka consumer on `topic`, at least once, committing as it goes. */
export function romewaysOnKafka(
  brokers: string,
  topic: BenchTopic,
  queue: { maxChunkSize: number; sequential: boolean },
  handler: Handler,
): Romeways {
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    topic.topic,
    {
      connectorName: "kafka",
      frequency: 0,
      topic: topic.topic,
      groupId: topic.groupId,
      fromBeginning: true,
      ...queue,
    },
    handler,
  );
  romeways.connectorRegister({
    connector: KafkaQueueConnector,
    config: { connectorName: "kafka", brokers, logLevel: logLevel.ERROR },
  });
  return romeways;
}
