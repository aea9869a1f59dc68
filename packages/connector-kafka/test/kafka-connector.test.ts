// What the Kafka connector promises beyond the connector contract (conformance.test.ts runs
// the contract itself): partitions, back-pressure, tombstones, the shared producer.
import { connect } from "node:net";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import type { RawMessage } from "@romeways/core";
import { describe, expect, test } from "vitest";
import {
  bytes,
  committedOffsets,
  connectorConfig,
  createTestTopic,
  produce,
  startedConnector,
  take,
  text,
  waitUntil,
} from "./kafka-test-kit.js";

describe("the Kafka connector", () => {
  test("messages of one partition come in the order they were sent, on a topic of several", async () => {
    const topic = await createTestTopic({ partitions: 3 });
    const connector = await startedConnector(topic);
    const keys = ["a", "b", "c", "d"];
    await produce(
      topic.topic,
      Array.from({ length: 50 }, (_, i) =>
        keys.map((key) => ({ key, value: `${key}-${i}` })),
      ).flat(),
    );
    const taken = await take(connector, 200, { maxChunkSize: 7 });
    for (const key of keys) {
      const ofKey = taken.filter((m) => Buffer.from(m.key ?? []).toString() === key).map(text);
      expect(ofKey).toEqual(Array.from({ length: 50 }, (_, i) => `${key}-${i}`));
    }
  });

  test("a header without a value, or with bytes that are not UTF-8, reaches the handler as text and blocks nothing", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic);
    // kafkajs writes a null header value as Kafka's "no value" (length -1), but sizes it first
    // with Buffer.byteLength, which throws on null: null counts as 0 bytes while it sends.
    const { byteLength } = Buffer;
    Buffer.byteLength = ((value: string, encoding?: BufferEncoding) =>
      value === null ? 0 : byteLength(value, encoding)) as typeof Buffer.byteLength;
    try {
      await produce(topic.topic, [
        { value: "no value", headers: { empty: null as unknown as string } },
        { value: "not utf-8", headers: { bytes: Buffer.from([0xff, 0xfe, 0x41]) } },
        { value: "plain", headers: { h: "v" } },
      ]);
    } finally {
      Buffer.byteLength = byteLength;
    }
    const taken = await take(connector, 3, { timeoutMs: 20_000 });
    expect(taken.map((m) => [text(m), m.headers])).toEqual([
      ["no value", { empty: "" }],
      ["not utf-8", { bytes: "\uFFFD\uFFFDA" }],
      ["plain", { h: "v" }],
    ]);
  });

  test("concurrent polls on one instance share several partitions without losing or repeating a message", async () => {
    const topic = await createTestTopic({ partitions: 3 });
    const connector = await startedConnector(topic, { partitionsConsumedConcurrently: 3 });
    await produce(
      topic.topic,
      Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })),
    );
    const taken: string[] = [];
    const signal = AbortSignal.timeout(60_000);
    await Promise.all(
      [1, 2, 3].map(async () => {
        while (taken.length < 300 && !signal.aborted) {
          const chunk = await connector.getMessages(10, signal);
          taken.push(...chunk.map((m) => text(m) as string));
          await connector.ack(chunk);
        }
      }),
    );
    expect(taken).toHaveLength(300);
    expect(new Set(taken).size).toBe(300);
  });

  test("a fetched batch holds back the next one until all of it is taken", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic);
    await produce(topic.topic, [{ value: "a" }, { value: "b" }]);
    expect((await take(connector, 1, { maxChunkSize: 1, ack: false })).map(text)).toEqual(["a"]);
    // Sent while "b" of the first batch waits to be taken: kafkajs fetches it only after.
    await produce(topic.topic, [{ value: "c" }]);
    // Absence cannot be awaited: give "c" a fair chance to be fetched, and see it not come.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await connector.getMessages(10, AbortSignal.timeout(1_000))).map(text)).toEqual(["b"]);
    expect((await take(connector, 1, { ack: false })).map(text)).toEqual(["c"]);
  });

  test("the next batch comes while taken messages are unacknowledged, and commits wait for them", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic, { commitIntervalMs: 0 });
    await produce(topic.topic, [{ value: "first" }]);
    const first = await take(connector, 1, { ack: false });
    await produce(topic.topic, [{ value: "second" }]);
    const second = await take(connector, 1, { ack: false, timeoutMs: 10_000 });
    expect(second.map(text)).toEqual(["second"]);
    await connector.ack(second);
    // "first" holds back the commit of "second": absence again, after a fair chance.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await committedOffsets(topic.groupId, topic.topic)).get(0) ?? -1n).toBeLessThan(1n);
    await connector.ack(first);
    await waitUntil("both are committed", async () => {
      return (await committedOffsets(topic.groupId, topic.topic)).get(0) === 2n;
    });
  });

  test("past maxBytesInFlight of unacknowledged messages nothing more is fetched, and acks let it go on", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic, {
      maxBytesPerPartition: 25_000,
      maxBytesInFlight: 30_000,
    });
    // One record batch each: a fetch returns whole record batches, so each stays ~10 kB.
    for (let i = 0; i < 20; i++) {
      await produce(topic.topic, [{ value: Buffer.alloc(10_000, i) }]);
    }
    const unacked: RawMessage[] = [];
    await waitUntil("the first messages are taken", async () => {
      unacked.push(...(await connector.getMessages(100, AbortSignal.timeout(500))));
      return unacked.length > 0;
    });
    // Nothing comes while the bytes taken stay unacknowledged (a quiet 2 s window).
    for (;;) {
      const more = await connector.getMessages(100, AbortSignal.timeout(2_000));
      if (more.length === 0) break;
      unacked.push(...more);
    }
    const heldBack = unacked.length;
    // Not acknowledged: every message of the partition, fetched or not (from the high watermark).
    expect(connector.health()).toMatchObject({ connected: true, lag: 20 });
    await connector.ack(unacked);
    const rest = await take(connector, 20 - heldBack, { timeoutMs: 30_000 });
    console.log(
      `[kafka] maxBytesInFlight 30000: ${heldBack} messages of 10 kB taken before fetching waited; the other ${rest.length} after the acks`,
    );
    expect(heldBack).toBeLessThanOrEqual(8);
    expect(heldBack + rest.length).toBe(20);
  });

  test("a tombstone comes back with body null and its key", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic);
    await connector.sendMessage({ body: null, key: "deleted" });
    const [tombstone] = await take(connector, 1);
    expect(tombstone?.body).toBeNull();
    expect(Buffer.from(tombstone?.key ?? []).toString()).toBe("deleted");
  });

  test("messages carry their topic, partition, offset and timestamp", async () => {
    const topic = await createTestTopic();
    const connector = await startedConnector(topic);
    await produce(topic.topic, [{ value: "x" }, { value: "y" }]);
    const taken = await take(connector, 2);
    expect(taken.map(({ topic: t, partition, offset }) => ({ t, partition, offset }))).toEqual([
      { t: topic.topic, partition: 0, offset: "0" },
      { t: topic.topic, partition: 0, offset: "1" },
    ]);
    expect(Number(taken[0]?.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  });

  test("one producer serves every instance built from one connector config", async () => {
    const topic = await createTestTopic();
    let sockets = 0;
    // Counts the connections kafkajs opens for this connector config.
    const config = connectorConfig({
      socketFactory: ({ host, port, onConnect }) => {
        sockets++;
        return connect({ host, port }, onConnect);
      },
    });
    const queue = { connectorName: "kafka-test", groupId: topic.groupId };
    const instances = [1, 2, 3].map(() => new KafkaQueueConnector(config, queue, topic.topic));
    for (let i = 0; i < 10; i++) {
      await Promise.all(
        instances.map((instance) => instance.sendMessage({ body: bytes(`m${i}`) })),
      );
    }
    await Promise.all(instances.map((instance) => instance.stop()));
    console.log(`[kafka] 30 sends through 3 instances opened ${sockets} connection(s)`);
    expect(sockets).toBeLessThanOrEqual(2);
    const consumer = await startedConnector(topic);
    expect(await take(consumer, 30)).toHaveLength(30);
  });
});
