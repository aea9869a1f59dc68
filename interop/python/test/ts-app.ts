// A TypeScript romeways app on the test broker, in this process, and Kafka helpers around it.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import "@romeways/connector-kafka";
import type { KafkaQueueConfig, KafkaRawMessage } from "@romeways/connector-kafka";
import { createRomeways, type JsonValue, ResendError, type Romeways } from "@romeways/core";
import { inject, onTestFinished } from "vitest";
import {
  client,
  connectorConfig,
  kafkaAdmin,
  queueConfig,
  type TestTopic,
  waitUntil,
} from "../../../packages/connector-kafka/test/kafka-test-kit.js";
import type { PythonVector } from "../../../packages/core/test/vectors/assert-vector.js";
import { Recorder } from "./recorder.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** What the TypeScript handler got, read inside the handler. */
export interface TsHandled {
  payload: string;
  payloadValue: JsonValue;
  rwResendTimes: number;
  action: "handled" | "resend";
  raw: KafkaRawMessage;
}

export interface TsApp {
  romeways: Romeways;
  messages: Recorder<TsHandled>;
  discarded: Recorder<KafkaRawMessage>;
  /** Milliseconds `start()` took. */
  startMs: number;
}

export interface TsAppOptions {
  groupId?: string;
  /** Counters at which the handler throws ResendError. */
  resendAt?: number[];
  queue?: Partial<KafkaQueueConfig>;
}

/** Starts createRomeways with the Kafka connector on `topic`; stopped when the test ends. */
export async function startTsApp(topic: TestTopic, options: TsAppOptions = {}): Promise<TsApp> {
  const messages = new Recorder<TsHandled>();
  const discarded = new Recorder<KafkaRawMessage>();
  const romeways = createRomeways({ logger: quiet, handleSignals: false });
  const resendAt = new Set(options.resendAt ?? []);
  romeways.queueConsumer(
    topic.topic,
    queueConfig(topic, {
      groupId: options.groupId ?? topic.groupId,
      sequential: true,
      ...options.queue,
    }),
    (message) => {
      const resend = resendAt.has(message.rwResendTimes);
      messages.push({
        payload: message.payload,
        payloadValue: message.payloadValue,
        rwResendTimes: message.rwResendTimes,
        action: resend ? "resend" : "handled",
        raw: message.raw as KafkaRawMessage,
      });
      if (resend) throw new ResendError(`resend at rwResendTimes ${message.rwResendTimes}`);
    },
  );
  romeways.events.on("message:discarded", (event) => discarded.push(event.raw as KafkaRawMessage));
  romeways.connectorRegister({ connector: "kafka", config: connectorConfig() });
  const started = performance.now();
  await romeways.start();
  const startMs = performance.now() - started;
  onTestFinished(() => romeways.stop());
  return { romeways, messages, discarded, startMs };
}

/**
 * A fresh topic and group name, deleted when the test ends. Unlike kafkajs's waitForLeaders,
 * which gives up when the broker's metadata lags behind the creation (as it does under load),
 * this waits until every partition has a leader.
 */
export async function createTopic(partitions = 1): Promise<TestTopic> {
  const topic = `romeways-python-${randomUUID().slice(0, 8)}`;
  const groupId = `${topic}-group`;
  const admin = await kafkaAdmin();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  onTestFinished(async () => {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  });
  await waitUntil(
    `every partition of ${topic} has a leader`,
    async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      const found = metadata?.topics[0]?.partitions ?? [];
      return found.length === partitions && found.every((p) => p.leader >= 0);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return { topic, groupId, partitions };
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
}

/** Every record of `topic` from the beginning, read by a plain kafkajs consumer. */
export async function readTopic(topic: string, count: number): Promise<TopicRecord[]> {
  const records = new Recorder<TopicRecord>();
  const consumer = client().consumer({ groupId: `raw-reader-${randomUUID().slice(0, 8)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString("utf8") ?? null,
          value: message.value,
        });
      },
    });
    return await records.until(`${count} records on ${topic}`, (all) => all.length >= count);
  } finally {
    await consumer.disconnect();
  }
}

const MAKE_VECTORS = fileURLToPath(
  new URL("../../../scripts/python/make_vectors.py", import.meta.url),
);

/** Python's own view of each body: `make_vectors.py --stdin`, in the venv. */
export async function pythonVectors(bodies: readonly Uint8Array[]): Promise<PythonVector[]> {
  const child = spawn(inject("pythonPath"), [MAKE_VECTORS, "--stdin"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stdin.end(JSON.stringify(bodies.map((body) => Buffer.from(body).toString("base64"))));
  const [code] = await once(child, "close");
  if (code !== 0) throw new Error(`make_vectors.py --stdin exited with ${code}`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as PythonVector[];
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const fromBase64 = (text: string): Buffer => Buffer.from(text, "base64");
