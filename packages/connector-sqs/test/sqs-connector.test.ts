// What the SQS connector does beyond the conformance suite, on the real server.
import { createHash } from "node:crypto";
import {
  type SqsQueueConfig,
  SqsQueueConnector,
  type SqsRawMessage,
} from "@romeways/connector-sqs";
import type { ConnectorContext } from "@romeways/core";
import { bodyText, bytes } from "@romeways/testing";
import { describe, expect, onTestFinished, test, vi } from "vitest";
import {
  connectorConfig,
  deleteQueue,
  queueConfig,
  sqsEndpoint,
  testQueueName,
} from "./sqs-test-kit.js";

async function started(queue: string, overrides: Partial<SqsQueueConfig> = {}) {
  const connector = new SqsQueueConnector(connectorConfig(), queueConfig(overrides), queue);
  onTestFinished(() => connector.stop());
  await connector.start();
  return connector;
}

function newQueue(fifo = false): string {
  const queue = testQueueName(fifo);
  onTestFinished(() => deleteQueue(queue));
  return queue;
}

async function takeOne(connector: SqsQueueConnector): Promise<SqsRawMessage> {
  const [message] = await connector.getMessages(1, AbortSignal.timeout(20_000));
  if (message === undefined) throw new Error("no message within 20 s");
  return message as SqsRawMessage;
}

describe("SqsQueueConnector on the server", () => {
  test("a message held longer than its visibility timeout stays hidden: the holder extends it", async () => {
    const queue = newQueue();
    const holder = await started(queue, { visibilityTimeout: 2 });
    await holder.sendMessage({ body: bytes("long handler") });
    const held = await takeOne(holder);
    // Two and a half visibility timeouts: without extensions the other consumer would get it.
    const other = await started(queue, { visibilityTimeout: 2 });
    expect(await other.getMessages(10, AbortSignal.timeout(5_000))).toEqual([]);
    await holder.ack([held]);
  });

  test("ApproximateReceiveCount is on the raw message: 1, then 2 after stop() made it visible again", async () => {
    const queue = newQueue();
    const first = await started(queue);
    await first.sendMessage({ body: bytes("counted") });
    expect((await takeOne(first)).sqs.receiveCount).toBe(1);
    await first.stop();
    const second = await started(queue);
    const again = await takeOne(second);
    expect([bodyText(again), again.sqs.receiveCount]).toEqual(["counted", 2]);
    await second.ack([again]);
  });

  test("FIFO: the key is the MessageGroupId (hashed when SQS would refuse it); equal bodies are two messages", async () => {
    const queue = newQueue(true);
    const connector = await started(queue);
    const binaryKey = Uint8Array.from([0, 1, 255]);
    await connector.sendMessage({ body: bytes("same"), key: "order-1" });
    await connector.sendMessage({ body: bytes("same"), key: "order-1" });
    await connector.sendMessage({ body: bytes("bytes"), key: binaryKey });
    await connector.sendMessage({ body: bytes("keyless") });
    const taken: SqsRawMessage[] = [];
    while (taken.length < 4) {
      const chunk = (await connector.getMessages(
        10,
        AbortSignal.timeout(20_000),
      )) as SqsRawMessage[];
      if (chunk.length === 0) break;
      taken.push(...chunk);
      await connector.ack(chunk);
    }
    const groups = taken.map((m) => [bodyText(m), m.sqs.groupId]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ["same", "order-1"],
        ["same", "order-1"],
        ["bytes", createHash("sha256").update(binaryKey).digest("hex")],
        ["keyless", "default"],
      ]),
    );
    expect(taken).toHaveLength(4);
  });

  test("more headers than SQS' 10 attributes, and names SQS refuses, come back as sent", async () => {
    const queue = newQueue();
    const connector = await started(queue);
    const headers: Record<string, string> = { "with space": "a", "colon:name": "b", empty: "" };
    for (let i = 0; i < 12; i++) headers[`x-h${i}`] = `v${i}`;
    await connector.sendMessage({ body: bytes("many headers"), headers, key: "k\u0000ey" });
    const message = await takeOne(connector);
    expect(message.headers).toEqual(headers);
    expect(message.key).toBe("k\u0000ey");
    await connector.ack([message]);
  });

  test("health(): connected, and lag from ApproximateNumberOfMessages", async () => {
    const queue = newQueue();
    const connector = await started(queue);
    for (const body of ["a", "b", "c"]) await connector.sendMessage({ body: bytes(body) });
    // health() is synchronous: the first read asks SQS, a later one has the figure.
    await vi.waitFor(() => expect(connector.health().lag).toBe(3), {
      timeout: 15_000,
      interval: 200,
    });
    expect(connector.health().connected).toBe(true);
  });

  test("a server that cannot be reached: reportDisconnected, health() not connected; reportReconnected once it answers", async () => {
    const reports: string[] = [];
    const context: ConnectorContext = {
      connectorName: "sqs-test",
      queueName: "unreachable",
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      reportError: () => reports.push("error"),
      reportDisconnected: () => reports.push("disconnected"),
      reportReconnected: () => reports.push("reconnected"),
    };
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const down = new SqsQueueConnector(
      connectorConfig("http://127.0.0.1:9", {
        client: { maxAttempts: 1, credentials: { accessKeyId: "x", secretAccessKey: "x" } },
      }),
      queueConfig(),
      "unreachable",
      context,
    );
    await expect(down.sendMessage({ body: bytes("lost?") })).rejects.toThrow();
    expect(reports).toContain("disconnected");
    expect(down.health()).toMatchObject({ connected: false });
    await down.stop();
    expect(sqsEndpoint()).toMatch(/^http/);
  });
});
