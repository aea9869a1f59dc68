// What the conformance suite does not cover: JetStream's redelivery count, working() while a
// handler runs past ackWait, Nats-Msg-Id de-duplication, and health().
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { NatsRawMessage } from "@romeways/connector-nats";
import type { RawMessage } from "@romeways/core";
import { afterEach, describe, expect, test } from "vitest";
import {
  CrashableNatsConnector,
  connectorConfig,
  natsUrl,
  queueConfig,
  uniqueSubject,
} from "./nats-test-kit.js";

const text = (message: RawMessage): string => Buffer.from(message.body ?? []).toString("utf8");
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

const started: CrashableNatsConnector[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
});

async function consumer(queueName: string, ackWaitMs = 1_000): Promise<CrashableNatsConnector> {
  const connector = new CrashableNatsConnector(
    connectorConfig(),
    queueConfig(queueName, { ackWaitMs }),
    queueName,
  );
  await connector.start();
  started.push(connector);
  return connector;
}

async function take(connector: CrashableNatsConnector, count: number): Promise<NatsRawMessage[]> {
  const signal = AbortSignal.timeout(20_000);
  const taken: NatsRawMessage[] = [];
  while (taken.length < count && !signal.aborted) {
    taken.push(
      ...((await connector.getMessages(count - taken.length, signal)) as NatsRawMessage[]),
    );
  }
  return taken;
}

describe("NatsQueueConnector on JetStream", () => {
  test("a message not acknowledged comes back after ackWait, with its delivery count", async () => {
    const queue = uniqueSubject();
    const first = await consumer(queue);
    await first.sendMessage({ body: bytes("again") });
    const [taken] = await take(first, 1);
    expect(taken?.deliveryCount).toBe(1);
    await first.crash();
    const second = await consumer(queue);
    const [again] = await take(second, 1);
    expect(again && text(again)).toBe("again");
    expect(again?.deliveryCount).toBe(2);
    expect(again?.streamSequence).toBe(taken?.streamSequence);
    await second.ack([again as RawMessage]);
  });

  test("a message held past ackWait is kept by working(), not delivered to another consumer", async () => {
    const queue = uniqueSubject();
    const holder = await consumer(queue, 600);
    await holder.sendMessage({ body: bytes("long handler") });
    const [held] = await take(holder, 1);
    const other = await consumer(queue, 600);
    // Three ackWaits: without working() JetStream would have delivered it to `other` twice.
    const meanwhile = await other.getMessages(10, AbortSignal.timeout(1_800));
    expect(meanwhile).toEqual([]);
    await holder.ack([held as RawMessage]);
    await holder.sendMessage({ body: bytes("sentinel") });
    expect((await take(other, 1)).map(text)).toEqual(["sentinel"]);
  });

  test("a send with a key is stored once when retried, a different message with that key is not dropped", async () => {
    const queue = uniqueSubject();
    const connector = await consumer(queue);
    const message = { body: bytes("order placed"), key: "order-42", headers: { "x-a": "1" } };
    await connector.sendMessage(message);
    await connector.sendMessage(message); // a retried send: the same message again
    // What a resend of it looks like to the connector: the same key, another envelope.
    await connector.sendMessage({ ...message, body: bytes("order placed, resent") });
    await connector.sendMessage({ body: bytes("no key") });
    await connector.sendMessage({ body: bytes("no key") });
    await connector.sendMessage({ body: bytes("sentinel"), key: "end" });
    const taken = await take(connector, 5);
    expect(taken.map(text)).toEqual([
      "order placed",
      "order placed, resent",
      "no key",
      "no key",
      "sentinel",
    ]);
    expect(taken[0]?.msgId).toMatch(/^order-42:[0-9a-f]{32}$/);
    expect(taken[0]?.headers).toEqual({ "x-a": "1" });
    await connector.ack(taken);
  });

  test("a Nats-Msg-Id header the sender sets is the de-duplication id", async () => {
    const queue = uniqueSubject();
    const connector = await consumer(queue);
    await connector.sendMessage({ body: bytes("a"), headers: { "Nats-Msg-Id": "once" } });
    await connector.sendMessage({ body: bytes("b"), headers: { "Nats-Msg-Id": "once" } });
    await connector.sendMessage({ body: bytes("sentinel") });
    const taken = await take(connector, 2);
    expect(taken.map(text)).toEqual(["a", "sentinel"]);
    expect(taken[0]?.msgId).toBe("once");
    expect(taken[0]?.headers).toBeUndefined();
    await connector.ack(taken);
  });

  test("a message without a body comes back without one", async () => {
    const queue = uniqueSubject();
    const connector = await consumer(queue);
    await connector.sendMessage({ body: null, key: "tombstone" });
    const [taken] = await take(connector, 1);
    expect(taken?.body).toBeNull();
    expect(taken?.key).toBe("tombstone");
    await connector.ack([taken as RawMessage]);
  });

  test("health() says connected, and the lag JetStream last told", async () => {
    const queue = uniqueSubject();
    const connector = await consumer(queue);
    expect(connector.health()).toEqual({ connected: true });
    for (const body of ["1", "2", "3"]) await connector.sendMessage({ body: bytes(body) });
    const taken = await connector.getMessages(1, AbortSignal.timeout(10_000));
    expect(connector.health()).toEqual({ connected: true, lag: 2 });
    await connector.ack(taken);
    await connector.stop();
    expect(connector.health()).toMatchObject({ connected: false, reason: "closed" });
  });

  test("a stream deleted under a running consumer: the poll fails, the next one makes it again", async () => {
    const queue = uniqueSubject();
    const connector = await consumer(queue);
    const nc = await connect({ servers: natsUrl() });
    try {
      await (await jetstreamManager(nc)).streams.delete(queue);
    } finally {
      await nc.close();
    }
    await expect(connector.getMessages(10, AbortSignal.timeout(10_000))).rejects.toThrow();
    const producer = new CrashableNatsConnector(connectorConfig(), queueConfig(queue), queue);
    started.push(producer);
    await producer.sendMessage({ body: bytes("after the stream came back") });
    expect((await take(connector, 1)).map(text)).toEqual(["after the stream came back"]);
  });
});
