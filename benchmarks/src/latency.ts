// End-to-end latency at frequency 0 and a steady produce rate: from the moment a message is
// produced (its body is that time) to the moment the handler sees it. Memory: romeways against
// a bare async loop woken by the producer. Kafka: romeways against a bare kafkajs consumer
// (eachMessage, auto-commit), each on a fresh topic of 1 partition, then of 4.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways } from "@romeways/core";
import { type BenchTopic, KafkaBench, romewaysOnKafka } from "./kafka-data.js";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  countdown,
  paired,
  percentiles,
  type ResultRow,
  sleep,
  within,
} from "./stats.js";

interface RunLatency {
  p50: number;
  p99: number;
}

/** Calls `send(i)` for i = 0..count-1 at `rate` per second; a late timer is caught up at once. */
async function paced(rate: number, count: number, send: (i: number) => void): Promise<void> {
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sent < due) send(sent++);
    await sleep(1);
  }
}

/** Latencies of one run, the first 10 % (warm-up) left out. */
class Recorder {
  private readonly latencies: number[] = [];
  readonly counter: ReturnType<typeof countdown>;
  constructor(private readonly total: number) {
    this.counter = countdown(total);
  }
  record = (sentAt: number): void => {
    this.latencies.push(performance.now() - sentAt);
    this.counter.tick();
  };
  async result(timeoutMs: number): Promise<RunLatency> {
    await within(
      this.counter.done,
      timeoutMs,
      () => `${this.latencies.length} of ${this.total} messages arrived`,
    );
    return percentiles(this.latencies.slice(Math.floor(this.total / 10)));
  }
}

async function memoryRomeways(rate: number, count: number): Promise<RunLatency> {
  const recorder = new Recorder(count);
  const queue = new MemoryQueue();
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    "latency",
    { connectorName: "memory", frequency: 0, maxChunkSize: 10, queue },
    (message) => recorder.record(Number(message.payload)),
  );
  romeways.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "memory" },
  });
  await romeways.start();
  await paced(rate, count, () => queue.put(String(performance.now())));
  const result = await recorder.result(30_000);
  await romeways.stop();
  return result;
}

/** The floor: an async loop that awaits the next item and is woken by the producer. */
async function memoryBare(rate: number, count: number): Promise<RunLatency> {
  const recorder = new Recorder(count);
  const items: string[] = [];
  let wake: (() => void) | undefined;
  let running = true;
  const handler = async (text: string) => recorder.record(Number(text));
  const loop = (async () => {
    while (running) {
      const item = items.shift();
      if (item !== undefined) await handler(item);
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  })();
  await paced(rate, count, () => {
    items.push(String(performance.now()));
    wake?.();
  });
  const result = await recorder.result(30_000);
  running = false;
  wake?.();
  await loop;
  return result;
}

async function kafkaRomeways(bench: KafkaBench, partitions: number, rate: number, count: number) {
  const recorder = new Recorder(count);
  const topic = await bench.createTopic(partitions);
  const romeways = romewaysOnKafka(
    bench.brokers,
    topic,
    { maxChunkSize: 10, sequential: false },
    (message) => recorder.record(Number(message.payload)),
  );
  await romeways.start(); // resolves once the partitions are assigned
  try {
    return await produceAndMeasure(bench, topic, partitions, rate, count, recorder);
  } finally {
    await romeways.stop();
  }
}

async function kafkaBare(bench: KafkaBench, partitions: number, rate: number, count: number) {
  const recorder = new Recorder(count);
  const topic = await bench.createTopic(partitions);
  const consumer = bench.kafka.consumer({ groupId: topic.groupId, maxWaitTimeInMs: 1_000 });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  await consumer.subscribe({ topic: topic.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => recorder.record(Number(message.value?.toString())),
  });
  await joined;
  try {
    return await produceAndMeasure(bench, topic, partitions, rate, count, recorder);
  } finally {
    await consumer.disconnect();
  }
}

async function produceAndMeasure(
  bench: KafkaBench,
  topic: BenchTopic,
  partitions: number,
  rate: number,
  count: number,
  recorder: Recorder,
): Promise<RunLatency> {
  const failures: unknown[] = [];
  await paced(rate, count, (i) => {
    bench
      .sendNow(topic.topic, String(performance.now()), i % partitions)
      .catch((e) => failures.push(e));
  });
  if (failures.length > 0) throw failures[0];
  return recorder.result(60_000);
}

function rows(
  transport: string,
  baselineName: string,
  rate: number,
  result: { romeways: RunLatency[]; baseline: RunLatency[] },
  target: string,
): ResultRow[] {
  const common = {
    benchmark: "latency",
    better: "lower" as const,
    baselineName,
  };
  const pick = (key: keyof RunLatency) => [
    result.romeways.map((r) => r[key]),
    result.baseline.map((r) => r[key]),
  ];
  const [p50r, p50b] = pick("p50") as [number[], number[]];
  const [p99r, p99b] = pick("p99") as [number[], number[]];
  const name = `${transport}, ${rate} msg/s, frequency 0`;
  return [
    comparedRow({ ...common, case: name, metric: "p50 ms" }, p50r, p50b),
    comparedRow({ ...common, case: name, metric: "p99 ms", target }, p99r, p99b),
  ];
}

export const latency: Benchmark = {
  name: "latency",
  description: "end-to-end latency p50/p99 at frequency 0, memory and Kafka, steady produce rate",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const runs = context.quick ? 1 : 3;
    const memoryRate = 2_000;
    const memoryCount = context.quick ? 1_000 : 10_000;
    context.log(`memory: ${runs} runs of ${memoryCount} messages at ${memoryRate}/s`);
    const memory = await paired(
      runs,
      context.quick ? 0 : 1,
      () => memoryBare(memoryRate, memoryCount),
      () => memoryRomeways(memoryRate, memoryCount),
    );
    const result = rows("memory", "bare async loop", memoryRate, memory, "p99 < 1 ms");

    const kafkaRate = 500;
    const kafkaCount = context.quick ? 500 : 2_500;
    try {
      const bench = new KafkaBench(await context.kafkaBrokers());
      await bench.connect();
      try {
        for (const partitions of context.quick ? [1] : [1, 4]) {
          context.log(
            `kafka, ${partitions} partition(s): ${runs} runs of ${kafkaCount} at ${kafkaRate}/s`,
          );
          // The broker is warm (kafka-warm-up.ts); this process's first Kafka runs are not:
          // one warm-up pair, discarded.
          const kafka = await paired(
            runs,
            context.quick || partitions > 1 ? 0 : 1,
            () => kafkaBare(bench, partitions, kafkaRate, kafkaCount),
            () => kafkaRomeways(bench, partitions, kafkaRate, kafkaCount),
          );
          const transport = `kafka ${partitions} partition${partitions > 1 ? "s" : ""}`;
          result.push(...rows(transport, "kafkajs eachMessage", kafkaRate, kafka, "p99 < 20 ms"));
        }
      } finally {
        await bench.close();
      }
    } catch (error) {
      context.notRun("latency (kafka)", error);
    }
    return result;
  },
};
