// A send the broker can never accept fails at once with an error naming the size and the limit,
// marked retriable: false, instead of failing the same way forever.
import { KafkaQueueConnector, KafkaSendRejectedError } from "@romeways/connector-kafka";
import { describe, expect, test } from "vitest";
import { connectorConfig, createTestTopic, queueConfig } from "./kafka-test-kit.js";

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
