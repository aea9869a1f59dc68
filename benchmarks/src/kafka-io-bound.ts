// The I/O-bound row on Kafka: a handler that awaits 5 ms, 4 partitions, 1,000 keys, messages
// per second against the ideal of the mode (concurrency / 5 ms). Per-key ordered concurrency
// needs the connector to keep fetching while messages of a partition are still being handled;
// the chunk modes wait for each chunk's slowest message (or for each message in turn).
import { type KafkaQueueConfig, KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways } from "@romeways/core";
import { logLevel, Partitioners } from "kafkajs";
import { type BenchTopic, KafkaBench } from "./kafka-data.js";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  type ResultRow,
  within,
} from "./stats.js";

const handlerMs = 5;
const keys = 1_000;
const partitions = 4;

interface Case {
  label: string;
  config: Pick<KafkaQueueConfig, "concurrency" | "ordering" | "sequential" | "maxChunkSize">;
  /** Handlers that can wait at once in this mode: the ideal is slots / 5 ms. */
  slots: number;
  messages: number;
}

function cases(quick: boolean): Case[] {
  const many = quick ? 2_000 : 20_000;
  return [
    {
      label: 'ordering "key", concurrency 100',
      config: { ordering: "key", concurrency: 100, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: 'ordering "key", concurrency 1,000',
      config: { ordering: "key", concurrency: 1_000, maxChunkSize: 500 },
      slots: 1_000,
      messages: many,
    },
    {
      label: "chunk mode, concurrent, chunk 100",
      config: { sequential: false, maxChunkSize: 100 },
      slots: 100,
      messages: many,
    },
    {
      label: "chunk mode, sequential",
      config: { sequential: true, maxChunkSize: 100 },
      slots: 1,
      messages: quick ? 40 : 400,
    },
  ];
}

const wait = () => new Promise<void>((resolve) => setTimeout(resolve, handlerMs));

/** Keyed messages; each key always on the same partition, as a keyed producer would put it. */
async function produceKeyed(bench: KafkaBench, topic: string, count: number): Promise<void> {
  const producer = bench.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < count; start += 2_000) {
      const end = Math.min(count, start + 2_000);
      const messages = [];
      for (let i = start; i < end; i++) {
        const key = i % keys;
        messages.push({ key: `key-${key}`, value: `message ${i}`, partition: key % partitions });
      }
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

let groups = 0;

/** msg/s from the first message handled to the last (the group join left out). */
async function run(brokers: string, topic: BenchTopic, c: Case): Promise<number> {
  const { tick, done } = countdown(c.messages);
  let firstAt: number | undefined;
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    topic.topic,
    {
      connectorName: "kafka",
      frequency: 0,
      topic: topic.topic,
      groupId: `${topic.groupId}-${groups++}`,
      fromBeginning: true,
      ...c.config,
    },
    async () => {
      firstAt ??= performance.now();
      await wait();
      tick();
    },
  );
  romeways.connectorRegister({
    connector: KafkaQueueConnector,
    config: { connectorName: "kafka", brokers, logLevel: logLevel.ERROR },
  });
  await romeways.start();
  try {
    await within(done, 300_000, () => `${c.label}: not every message within 300 s`);
    return (c.messages - 1) / ((performance.now() - (firstAt as number)) / 1000);
  } finally {
    await romeways.stop();
  }
}

export const kafkaIoBound: Benchmark = {
  name: "kafka-io-bound",
  description:
    "Kafka, 4 partitions, handler awaits 5 ms, 1,000 keys: msg/s against concurrency / 5 ms",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const runs = context.quick ? 1 : 3;
    const bench = new KafkaBench(await context.kafkaBrokers());
    await bench.connect();
    try {
      const topics = new Map<number, BenchTopic>();
      for (const count of new Set(cases(context.quick).map((c) => c.messages))) {
        const topic = await bench.createTopic(partitions);
        await produceKeyed(bench, topic.topic, count);
        topics.set(count, topic);
      }
      const rows: ResultRow[] = [];
      for (const c of cases(context.quick)) {
        context.log(`${c.label}: ${runs} runs of ${c.messages} messages, a fresh group each`);
        const ideal = (c.slots * 1000) / handlerMs;
        const figures: number[] = [];
        const topic = topics.get(c.messages) as BenchTopic;
        for (let i = 0; i < runs; i++) figures.push(await run(bench.brokers, topic, c));
        rows.push(
          comparedRow(
            {
              benchmark: "kafka-io-bound",
              case: c.label,
              metric: "msg/s",
              better: "higher",
              baselineName: `ideal: ${c.slots} / ${handlerMs} ms`,
              target:
                c.config.ordering === "key" && c.slots === 100 ? ">= 0.8 of the ideal" : undefined,
              note: "msg/s from the first message handled to the last",
            },
            figures,
            figures.map(() => ideal),
          ),
        );
      }
      return rows;
    } finally {
      await bench.close();
    }
  },
};
