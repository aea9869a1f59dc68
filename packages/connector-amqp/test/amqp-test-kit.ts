// Helpers for tests against the real broker: queues of their own, a plain amqplib connection.
import { randomUUID } from "node:crypto";
import { type Channel, type ChannelModel, connect } from "amqplib";
import { afterAll, inject, onTestFinished } from "vitest";

export const amqpUrl = (): string => inject("amqpUrl");

let admin: Promise<{ model: ChannelModel; channel: Channel }> | undefined;

/** A plain amqplib channel of this test file, to look at and delete queues directly. */
export async function adminChannel(): Promise<Channel> {
  admin ??= (async () => {
    const model = await connect(amqpUrl());
    const channel = await model.createChannel();
    return { model, channel };
  })();
  return (await admin).channel;
}

afterAll(async () => {
  const opened = admin;
  admin = undefined;
  await (await opened)?.model.close();
});

/** Deletes a queue (and nothing else); a queue that does not exist is fine. */
export async function deleteQueue(queue: string): Promise<void> {
  await (await adminChannel()).deleteQueue(queue);
}

/** A fresh queue name, deleted when the test ends. */
export function testQueue(prefix = "romeways-test"): string {
  const queue = `${prefix}-${randomUUID().slice(0, 8)}`;
  onTestFinished(() => deleteQueue(queue));
  return queue;
}

/** Messages ready in the queue and consumers on it, as the broker counts them. */
export async function queueCounts(
  queue: string,
): Promise<{ messageCount: number; consumerCount: number }> {
  return (await adminChannel()).checkQueue(queue);
}
