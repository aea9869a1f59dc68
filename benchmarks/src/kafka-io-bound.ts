// The I/O-bound row on Kafka: a handler that awaits 5 ms, 4 partitions, 1,000 keys, messages
// per second against the ideal of the mode (concurrency / 5 ms). Per-key ordered concurrency
// needs the connector to keep fetching while messages of a partition are still being handled;
// the chunk modes wait for each chunk's slowest message (or for each message in turn).
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways } from "@romeways/core";
import { logLevel, Partitioners } from "kafkajs";
import { type IoBoundCase, idealRow, ioBoundCases, keys, waitForIo } from "./io-bound-cases.js";
import { type BenchTopic, KafkaBench } from "./kafka-data.js";
import { silentLogger } from "./silent-logger.js";
import { type BenchContext, type Benchmark, countdown, type ResultRow, within } from "./stats.js";

const partitions = 4;

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
async function run(brokers: string, topic: BenchTopic, c: IoBoundCase): Promise<number> {
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
      await waitForIo();
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
      const cases = ioBoundCases(context.quick, 500);
      for (const count of new Set(cases.map((c) => c.messages))) {
        const topic = await bench.createTopic(partitions);
        await produceKeyed(bench, topic.topic, count);
        topics.set(count, topic);
      }
      const rows: ResultRow[] = [];
      for (const c of cases) {
        context.log(`${c.label}: ${runs} runs of ${c.messages} messages, a fresh group each`);
        const figures: number[] = [];
        const topic = topics.get(c.messages) as BenchTopic;
        for (let i = 0; i < runs; i++) figures.push(await run(bench.brokers, topic, c));
        rows.push(
          idealRow(
            "kafka-io-bound",
            c,
            figures,
            "msg/s from the first message handled to the last",
          ),
        );
      }
      return rows;
    } finally {
      await bench.close();
    }
  },
};
