// Kafka consume throughput on one pre-produced topic (4 partitions, 100-byte messages):
// romeways with @romeways/connector-kafka (at least once, committing after the outcome)
// against a bare kafkajs consumer (eachBatch, auto-commit), each run in a fresh consumer group.
import { KafkaBench, romewaysOnKafka } from "./kafka-data.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  figure,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

interface RunRate {
  /** msg/s from the first message handled to the last: the steady state. */
  steady: number;
  /** msg/s from the start of the consumer (group join included) to the last message. */
  withJoin: number;
}

const partitions = 4;
const maxChunkSize = 500;

/** Times a consumer: `started` once it starts, `handle` on each message; resolves at `total`. */
class Stopwatch {
  private readonly startedAt = performance.now();
  private firstAt: number | undefined;
  private count = 0;
  private finish: (rate: RunRate) => void = () => {};
  readonly done: Promise<RunRate>;

  constructor(private readonly total: number) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** The handler both sides await: it notices the first and the last message. */
  handle = async (_message: unknown): Promise<void> => {
    if (this.count === 0) this.firstAt = performance.now();
    if (++this.count !== this.total) return;
    const now = performance.now();
    this.finish({
      steady: (this.total - 1) / ((now - (this.firstAt as number)) / 1000),
      withJoin: this.total / ((now - this.startedAt) / 1000),
    });
  };

  result(timeoutMs: number): Promise<RunRate> {
    return within(
      this.done,
      timeoutMs,
      () => `${this.count} of ${this.total} messages within ${timeoutMs} ms`,
    );
  }
}

let groups = 0;

async function throughRomeways(bench: KafkaBench, topic: string, total: number) {
  const stopwatch = new Stopwatch(total);
  const romeways = romewaysOnKafka(
    bench.brokers,
    { topic, groupId: `${topic}-romeways-${groups++}` },
    { maxChunkSize, sequential: false },
    stopwatch.handle,
  );
  await romeways.start();
  try {
    return await stopwatch.result(120_000);
  } finally {
    await romeways.stop();
  }
}

async function throughKafkajs(bench: KafkaBench, topic: string, total: number) {
  const stopwatch = new Stopwatch(total);
  const consumer = bench.kafka.consumer({ groupId: `${topic}-kafkajs-${groups++}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) await stopwatch.handle(message);
    },
  });
  try {
    return await stopwatch.result(120_000);
  } finally {
    await consumer.disconnect();
  }
}

export const kafkaThroughput: Benchmark = {
  name: "kafka-throughput",
  description: "Kafka, 4 partitions, 100-byte messages: romeways against bare kafkajs eachBatch",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 20_000 : 200_000;
    // A run lasts about a second: many pairs, or the machine's drift decides the ratio.
    const runs = context.quick ? 1 : 9;
    const bench = new KafkaBench(await context.kafkaBrokers());
    await bench.connect();
    try {
      const { topic } = await bench.createTopic(partitions);
      const produced = performance.now();
      const body = Buffer.alloc(100, "x");
      const values = Array.from({ length: total }, (_, i) => {
        const value = Buffer.from(body);
        value.write(String(i).padStart(10, "0"));
        return value;
      });
      await bench.produce(topic, partitions, values);
      const seconds = ((performance.now() - produced) / 1000).toFixed(1);
      context.log(`produced ${total} × 100 B on ${partitions} partitions in ${seconds} s`);
      context.log(`${runs} runs each, a fresh consumer group per run`);
      const result = await paired(
        runs,
        0,
        () => throughKafkajs(bench, topic, total),
        () => throughRomeways(bench, topic, total),
      );
      const steady = (side: RunRate[]) => side.map((r) => r.steady);
      const withJoin = (side: RunRate[]) => side.map((r) => r.withJoin);
      return [
        {
          ...comparedRow(
            {
              benchmark: "kafka-throughput",
              case: `${total.toLocaleString("en-US")} × 100 B, 4 partitions, chunk ${maxChunkSize}`,
              metric: "msg/s",
              better: "higher",
              baselineName: "kafkajs eachBatch, auto-commit",
              target: "ratio >= 0.9",
              note: "msg/s from the first message handled to the last; 'incl. join' counts from the consumer's start",
            },
            steady(result.romeways),
            steady(result.baseline),
          ),
          derived: {
            "romeways incl. join": figure(withJoin(result.romeways)),
            "kafkajs incl. join": figure(withJoin(result.baseline)),
          },
        },
      ];
    } finally {
      await bench.close();
    }
  },
};
