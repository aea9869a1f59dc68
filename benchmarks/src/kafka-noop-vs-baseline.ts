// No-op handler throughput on Kafka: the working tree's core and connector against the code before
// the scheduler (baseline-code.ts), alternately, each run in a fresh consumer group on one
// pre-produced topic. The goal: the new options cost nothing when they are not used (>= 0.95).
import type * as Kafka from "@romeways/connector-kafka";
import type * as Core from "@romeways/core";
import { baselineRef, loadBaselinePair } from "./baseline-code.js";
import { KafkaBench } from "./kafka-data.js";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

type Code = typeof Core & typeof Kafka;

const partitions = 4;
const maxChunkSize = 500;
/** kafkajs's ERROR: the numeric level both versions accept. */
const kafkajsErrorLevel = 1;
let groups = 0;

/** msg/s from the first message handled to the last, through `code`. */
async function throughput(code: Code, brokers: string, topic: string, total: number) {
  const { tick, done } = countdown(total);
  let firstAt: number | undefined;
  const romeways = code.createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    topic,
    {
      connectorName: "kafka",
      frequency: 0,
      topic,
      groupId: `${topic}-noop-${groups++}`,
      fromBeginning: true,
      maxChunkSize,
      sequential: false,
    },
    async () => {
      firstAt ??= performance.now();
      tick();
    },
  );
  romeways.connectorRegister({
    connector: code.KafkaQueueConnector,
    config: { connectorName: "kafka", brokers, logLevel: kafkajsErrorLevel },
  });
  await romeways.start();
  try {
    await within(done, 120_000, () => `${total} messages within 120 s`);
    return (total - 1) / ((performance.now() - (firstAt as number)) / 1000);
  } finally {
    await romeways.stop();
  }
}

export const kafkaNoopVsBaseline: Benchmark = {
  name: "kafka-noop-vs-baseline",
  description: "Kafka, no-op handler: msg/s against the code before the scheduler",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const pair = await loadBaselinePair<Code>(["core", "connector-kafka"]);
    if (pair === undefined) {
      context.log(`commit ${baselineRef} is not in this clone (shallow?): row left out`);
      return [];
    }
    const bench = new KafkaBench(await context.kafkaBrokers());
    await bench.connect();
    try {
      const total = context.quick ? 10_000 : 200_000;
      const runs = context.quick ? 1 : 7;
      const { topic } = await bench.createTopic(partitions);
      const values = Array.from({ length: total }, (_, i) =>
        Buffer.from(String(i).padStart(100, "x")),
      );
      await bench.produce(topic, partitions, values);
      context.log(`${runs} runs of ${total} × 100 B each side, a fresh consumer group per run`);
      const result = await paired(
        runs,
        1,
        () => throughput(pair.baseline, bench.brokers, topic, total),
        () => throughput(pair.current, bench.brokers, topic, total),
      );
      return [
        comparedRow(
          {
            benchmark: "kafka-noop-vs-baseline",
            case: `${total.toLocaleString("en-US")} × 100 B, ${partitions} partitions, chunk ${maxChunkSize}`,
            metric: "msg/s",
            better: "higher",
            baselineName: `code at ${baselineRef.slice(0, 7)}`,
            target: ">= 0.95 of the code before the scheduler",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      await bench.close();
      pair.dispose();
    }
  },
};
