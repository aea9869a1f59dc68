// Memory held while consuming Kafka: one pre-produced topic (4 partitions, 1 kB messages),
// consumed to the end in a fresh child process each (--expose-gc) through romeways and through
// a bare kafkajs eachBatch consumer; the peak live heap after GC and the peak RSS.
import { runChild } from "./child.js";
import { KafkaBench } from "./kafka-data.js";
import type { KafkaMemoryResult } from "./kafka-memory-child.js";
import { type BenchContext, type Benchmark, comparedRow, paired, type ResultRow } from "./stats.js";

const partitions = 4;
const mib = 1024 * 1024;

export const kafkaMemory: Benchmark = {
  name: "kafka-memory",
  description:
    "Kafka, 4 partitions, 1 kB messages: peak live heap and RSS, romeways against bare kafkajs",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const count = context.quick ? 50_000 : 500_000;
    const runs = context.quick ? 1 : 2;
    const bench = new KafkaBench(await context.kafkaBrokers());
    await bench.connect();
    try {
      const { topic } = await bench.createTopic(partitions);
      const body = Buffer.alloc(1_000, "x");
      const values = Array.from({ length: count }, (_, i) => {
        const value = Buffer.from(body);
        value.write(String(i).padStart(10, "0"));
        return value;
      });
      await bench.produce(topic, partitions, values);
      context.log(`produced ${count} × 1 kB; ${runs} runs each, a child process and group each`);
      const once = (mode: "romeways" | "kafkajs") => () =>
        runChild<KafkaMemoryResult>("kafka-memory-child.ts", {
          env: {
            BENCH_KAFKA_BROKERS: bench.brokers,
            BENCH_KAFKA_TOPIC: topic,
            BENCH_KAFKA_COUNT: String(count),
            BENCH_KAFKA_MODE: mode,
          },
          nodeFlags: ["--expose-gc"],
          timeoutMs: 600_000,
        });
      const result = await paired(runs, 0, once("kafkajs"), once("romeways"));
      const common = {
        benchmark: "kafka-memory",
        case: `${count.toLocaleString("en-US")} × 1 kB, 4 partitions`,
        better: "lower" as const,
        baselineName: "kafkajs eachBatch",
      };
      const row = (metric: string, pick: (r: KafkaMemoryResult) => number) =>
        comparedRow({ ...common, metric }, result.romeways.map(pick), result.baseline.map(pick));
      return [
        row("peak live heap after GC MiB", (r) => r.liveBytes / mib),
        row("peak RSS MiB", (r) => r.rssBytes / mib),
      ];
    } finally {
      await bench.close();
    }
  },
};
