// Child of kafka-memory.ts (run with --expose-gc): consumes BENCH_KAFKA_COUNT messages of
// BENCH_KAFKA_TOPIC in a fresh group, through romeways ("romeways") or a bare kafkajs eachBatch
// consumer ("kafkajs"), and reports the peak of the live heap after a full GC, sampled every
// tenth of the messages, and the peak RSS.
import { Kafka, logLevel } from "kafkajs";
import { reportToParent } from "./child.js";
import { romewaysOnKafka } from "./kafka-data.js";

export interface KafkaMemoryResult {
  /** Peak heapUsed + arrayBuffers after gc(), bytes. */
  liveBytes: number;
  /** Peak RSS seen at the samples, bytes. */
  rssBytes: number;
  seconds: number;
}

const gc = globalThis.gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const brokers = env("BENCH_KAFKA_BROKERS");
const topic = env("BENCH_KAFKA_TOPIC");
const count = Number(env("BENCH_KAFKA_COUNT"));
const mode = env("BENCH_KAFKA_MODE");
const groupId = `${topic}-${mode}-${process.pid}`;
const step = Math.max(1, Math.floor(count / 10));

let handled = 0;
let liveBytes = 0;
let rssBytes = 0;
let finish: () => void = () => {};
const done = new Promise<void>((resolve) => {
  finish = resolve;
});

function sample(): void {
  gc?.();
  const usage = process.memoryUsage();
  liveBytes = Math.max(liveBytes, usage.heapUsed + usage.arrayBuffers);
  rssBytes = Math.max(rssBytes, usage.rss);
}

const handle = async (): Promise<void> => {
  handled++;
  if (handled % step === 0) sample();
  if (handled === count) finish();
};

const started = performance.now();
let stop: () => Promise<void>;
if (mode === "romeways") {
  const romeways = romewaysOnKafka(
    brokers,
    { topic, groupId },
    { maxChunkSize: 500, sequential: false },
    handle,
  );
  await romeways.start();
  stop = () => romeways.stop();
} else {
  const kafka = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachBatch: async ({ batch }) => {
      for (const _message of batch.messages) await handle();
    },
  });
  stop = () => consumer.disconnect();
}
await done;
const seconds = (performance.now() - started) / 1000;
await stop();
await reportToParent<KafkaMemoryResult>({ liveBytes, rssBytes, seconds });
