// A send the broker can never accept fails at once with an error naming the size and the limit,
// marked retriable: false, instead of failing the same way forever.
import { KafkaQueueConnector, KafkaSendRejectedError } from "@romeways/connector-kafka";
import { createRomeways, ResendError } from "@romeways/core";
import { CompressionTypes, Partitioners } from "kafkajs";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  client,
  connectorConfig,
  createTestTopic,
  queueConfig,
  waitUntil,
} from "./kafka-test-kit.js";

describe("a send the broker rejects for good", () => {
  test("a message larger than the topic's max.message.bytes names its size and the limit", async () => {
    const topic = await createTestTopic({ config: { "max.message.bytes": "100000" } });
    const connector = new KafkaQueueConnector(connectorConfig(), queueConfig(topic), topic.topic);
    const started = performance.now();
    const error = await connector
      .sendMessage({ body: new Uint8Array(200_000), headers: { h: "v" } })
      .then(
        () => undefined,
        (rejected: unknown) => rejected,
      );
    const ms = Math.round(performance.now() - started);
    await connector.stop();
    console.log(`[kafka] oversized send rejected in ${ms} ms: ${String(error)}`);
    expect(error).toBeInstanceOf(KafkaSendRejectedError);
    expect((error as KafkaSendRejectedError).retriable).toBe(false);
    expect(String(error)).toContain("200002 bytes");
    expect(String(error)).toContain("max.message.bytes (100000 bytes");
  });
});

describe("a resend the broker can never accept", () => {
  test("takes the failure path after a few tries, naming the size and limit, and the queue moves on", async () => {
    const topic = await createTestTopic({ config: { "max.message.bytes": "100000" } });
    const deadLetters = await createTestTopic();
    // Compressed, 150 kB of zeros fit the topic's limit; the resend, uncompressed, does not.
    const producer = client().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({
      topic: topic.topic,
      compression: CompressionTypes.GZIP,
      messages: [{ value: Buffer.alloc(150_000) }, { value: "after" }],
    });
    const outcomes: string[] = [];
    const sendErrors: string[] = [];
    let handledAfter = false;
    const romeways = createRomeways({
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleSignals: false,
    });
    romeways.queueConsumer(
      topic.topic,
      queueConfig(topic, {
        maxChunkSize: 1,
        resendDelayMs: 0,
        deadLetterQueue: deadLetters.topic,
      }),
      async (message) => {
        if (message.payload === "after") {
          handledAfter = true;
          return;
        }
        throw new ResendError("once more");
      },
    );
    romeways.connectorRegister({ connector: "kafka", config: connectorConfig() });
    romeways.events.on("message:outcome", ({ outcome }) => outcomes.push(outcome.outcome));
    romeways.events.on("connector:error", ({ phase, error }) => {
      if (phase === "send") sendErrors.push(error.message);
    });
    await romeways.start();
    onTestFinished(() => romeways.stop());
    const started = performance.now();
    await waitUntil("the next message is handled", () => handledAfter, { timeoutMs: 60_000 });
    console.log(
      `[kafka] oversized resend: outcomes ${outcomes.join(", ")} after ${sendErrors.length} failed sends in ${Math.round(performance.now() - started)} ms; ${sendErrors[0]}`,
    );
    expect(outcomes[0]).toMatch(/dead-lettered|failed/);
    expect(sendErrors[0]).toContain("max.message.bytes (100000 bytes");
  });
});
