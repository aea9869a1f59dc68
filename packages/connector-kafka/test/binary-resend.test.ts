// A resend keeps every byte: a 1 MiB body that is not UTF-8 goes through the real broker and
// back with its bytes, key and headers as they were, the counter in a header of its own.
import { randomBytes } from "node:crypto";
import "@romeways/connector-kafka";
import { createRomeways, type Message, ResendError } from "@romeways/core";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  connectorConfig,
  createTestTopic,
  produce,
  queueConfig,
  waitUntil,
} from "./kafka-test-kit.js";

describe("a resend of a body that is not UTF-8", () => {
  test("comes back byte for byte, 1 MiB, with its key and headers and x-romeways-resend-times 1", async () => {
    const topic = await createTestTopic({
      config: { "max.message.bytes": String(4 * 1024 * 1024) },
    });
    const body = randomBytes(1024 * 1024);
    // 0xff is never valid in UTF-8: the body cannot be taken as text.
    body[0] = 0xff;
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(body)).toThrow();
    const headers = { "trace-id": "abc-123", "content-type": "application/octet-stream" };
    const deliveries: Message[] = [];
    const romeways = createRomeways({
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleSignals: false,
    });
    romeways.queueConsumer(
      topic.topic,
      queueConfig(topic, { maxChunkSize: 1, resendDelayMs: 0 }),
      async (message) => {
        deliveries.push(message);
        if (message.rwResendTimes === 0) throw new ResendError("again");
      },
    );
    romeways.connectorRegister({ connector: "kafka", config: connectorConfig() });
    await romeways.start();
    onTestFinished(() => romeways.stop());
    await produce(topic.topic, [{ key: "binary-key", value: body, headers }]);
    await waitUntil("the resend is delivered", () => deliveries.length === 2);

    const [first, resent] = deliveries as [Message, Message];
    const resentBody = Buffer.from(resent.raw.body as Uint8Array);
    const resentHeaders = resent.raw.headers ?? {};
    const resentKey = Buffer.from(resent.raw.key as Uint8Array).toString("utf8");
    console.log(
      `[kafka] binary resend: produced ${body.length} bytes (not UTF-8); first delivery ${first.raw.body?.length} bytes, ` +
        `resent ${resentBody.length} bytes, equal byte for byte: ${resentBody.equals(body)}; ` +
        `key ${resentKey}; headers ${JSON.stringify(resentHeaders)}; rwResendTimes ${resent.rwResendTimes}`,
    );
    expect(resentBody.equals(body)).toBe(true);
    expect(resentKey).toBe("binary-key");
    expect(resentHeaders).toMatchObject({ ...headers, "x-romeways-resend-times": "1" });
    expect(resent.rwResendTimes).toBe(1);
  });
});
