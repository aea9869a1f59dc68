// What only RabbitMQ does: quorum delivery counts, exchanges and routing keys, mandatory
// publishes, prefetch as back-pressure, declarations that do not match.
import {
  type AmqpQueueConfig,
  AmqpQueueConnector,
  type AmqpRawMessage,
  keyHeader,
} from "@romeways/connector-amqp";
import { bodyText, bytes } from "@romeways/testing";
import { describe, expect, onTestFinished, test } from "vitest";
import { adminChannel, amqpUrl, deleteQueue, queueCounts, testQueue } from "./amqp-test-kit.js";

function instance(queue: string, fields: Partial<AmqpQueueConfig> = {}): AmqpQueueConnector {
  const connector = new AmqpQueueConnector(
    { connectorName: "amqp-test", url: amqpUrl() },
    { connectorName: "amqp-test", ...fields },
    queue,
  );
  onTestFinished(() => connector.stop());
  return connector;
}

async function started(queue: string, fields: Partial<AmqpQueueConfig> = {}) {
  const connector = instance(queue, fields);
  await connector.start();
  return connector;
}

const poll = (connector: AmqpQueueConnector, max = 10) =>
  connector.getMessages(max, AbortSignal.timeout(10_000)) as Promise<AmqpRawMessage[]>;

describe("AmqpQueueConnector on RabbitMQ", () => {
  test("a quorum queue counts deliveries: a message put back on stop() comes again with deliveryCount 1", async () => {
    const queue = testQueue();
    const first = await started(queue, { queueType: "quorum" });
    await first.sendMessage({ body: bytes("again") });
    const [taken] = await poll(first);
    expect(taken).toMatchObject({ deliveryCount: 0, redelivered: false, queue });
    await first.stop();
    const second = await started(queue, { queueType: "quorum" });
    const [again] = await poll(second);
    expect(again && bodyText(again)).toBe("again");
    expect(again).toMatchObject({ deliveryCount: 1, redelivered: true });
    await second.ack([again as AmqpRawMessage]);
  });

  test("a classic queue does not count: deliveryCount is undefined, redelivered says it all", async () => {
    const queue = testQueue();
    const consumer = await started(queue);
    await consumer.sendMessage({ body: bytes("once") });
    const [taken] = await poll(consumer);
    expect(taken?.deliveryCount).toBeUndefined();
    expect(taken?.redelivered).toBe(false);
  });

  test("with an exchange, the key is the routing key and a header; a key routed nowhere fails the send", async () => {
    const queue = testQueue();
    const exchange = `${queue}-x`;
    onTestFinished(async () => {
      await (await adminChannel()).deleteExchange(exchange);
    });
    const consumer = await started(queue, {
      exchange,
      exchangeType: "topic",
      bindingKeys: ["orders.*"],
    });
    await consumer.sendMessage({ key: "orders.eu", body: bytes("routed"), headers: { a: "1" } });
    const [taken] = await poll(consumer);
    expect(taken).toMatchObject({
      exchange,
      routingKey: "orders.eu",
      key: "orders.eu",
      headers: { a: "1" },
    });
    expect(taken?.properties.headers?.[keyHeader]).toBe("orders.eu");
    await consumer.ack(taken ? [taken] : []);
    await expect(consumer.sendMessage({ key: "refunds.eu", body: bytes("lost?") })).rejects.toThrow(
      /no queue took the message/,
    );
  });

  test("prefetch bounds what the broker hands over: the rest stays in the queue until acknowledged", async () => {
    const queue = testQueue();
    const consumer = await started(queue, { prefetch: 5, maxChunkSize: 5 });
    for (let i = 0; i < 20; i++) await consumer.sendMessage({ body: bytes(`m${i}`) });
    const chunk = await poll(consumer, 5);
    expect(chunk.map(bodyText)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect((await queueCounts(queue)).messageCount).toBe(15);
    await consumer.ack(chunk);
    // The broker refills as the acknowledgements arrive: a poll may take fewer than 5.
    const next: AmqpRawMessage[] = [];
    while (next.length < 5) next.push(...(await poll(consumer, 5 - next.length)));
    expect(next.map(bodyText)).toEqual(["m5", "m6", "m7", "m8", "m9"]);
  });

  test("headers of another publisher reach the handler as text", async () => {
    const queue = testQueue();
    const consumer = await started(queue);
    (await adminChannel()).sendToQueue(queue, Buffer.from("foreign"), {
      headers: { count: 3, flag: true, nested: { a: 1 } },
    });
    const [taken] = await poll(consumer);
    expect(taken?.headers).toEqual({ count: "3", flag: "true", nested: '{"a":1}' });
  });

  test("health() says connected once started", async () => {
    const consumer = await started(testQueue());
    expect(consumer.health()).toEqual({ connected: true });
  });

  test("a queue declared with other arguments fails start() saying so; declare: false uses it as it is", async () => {
    const queue = testQueue();
    await (await started(queue, { queueType: "quorum" })).stop();
    const error = await instance(queue, { queueType: "classic" })
      .start()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "ROMEWAYS_AMQP_QUEUE_MISMATCH" });
    const asItIs = await started(queue, { declare: false });
    await asItIs.sendMessage({ body: bytes("fine") });
    expect((await poll(asItIs)).map(bodyText)).toEqual(["fine"]);
  });

  test("declare: false on a missing queue fails start() naming the queue", async () => {
    const queue = testQueue();
    await deleteQueue(queue);
    await expect(instance(queue, { declare: false }).start()).rejects.toThrow(
      new RegExp(`the consumer of queue "${queue}" could not start`),
    );
  });
});
