// Helpers for tests against the real server: every test gets its own stream and group.
import { randomUUID } from "node:crypto";
import {
  type RedisConnectorConfig,
  type RedisQueueConfig,
  RedisQueueConnector,
  type RedisRawMessage,
} from "@romeways/connector-redis";
import type { RawMessage } from "@romeways/core";
import { Redis } from "ioredis";
import { afterAll, inject, onTestFinished } from "vitest";

export const redisUrl = (): string => inject("redisUrl");

let admin: Redis | undefined;

/** A plain ioredis connection of this test file, to look at streams and groups directly. */
export function redis(): Redis {
  admin ??= new Redis(redisUrl(), { protocol: 2 });
  return admin;
}

afterAll(async () => {
  await admin?.quit();
  admin = undefined;
});

export interface TestStream {
  stream: string;
  group: string;
}

/** A fresh stream name (and group name), deleted when the test ends. */
export function testStream(): TestStream {
  const stream = `romeways-test-${randomUUID().slice(0, 8)}`;
  onTestFinished(async () => {
    await redis().del(stream);
  });
  return { stream, group: `${stream}-group` };
}

export function connectorConfig(
  overrides: Partial<RedisConnectorConfig> = {},
): RedisConnectorConfig {
  return { connectorName: "redis-test", url: redisUrl(), ...overrides };
}

export function queueConfig(
  { stream, group }: TestStream,
  overrides: Partial<RedisQueueConfig> = {},
): RedisQueueConfig {
  return { connectorName: "redis-test", stream, group, ...overrides };
}

/** A started connector on `stream`, stopped when the test ends. */
export async function startedConnector(
  stream: TestStream,
  overrides: Partial<RedisQueueConfig> = {},
): Promise<RedisQueueConnector> {
  const connector = new RedisQueueConnector(
    connectorConfig(),
    queueConfig(stream, overrides),
    stream.stream,
  );
  await connector.start();
  onTestFinished(() => connector.stop());
  return connector;
}

/** Polls until `count` messages came (or fails after the timeout). */
export async function take(
  connector: RedisQueueConnector,
  count: number,
  { maxChunkSize = 100, ack = true, timeoutMs = 30_000 } = {},
): Promise<RedisRawMessage[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const taken: RedisRawMessage[] = [];
  while (taken.length < count) {
    const chunk = (await connector.getMessages(maxChunkSize, signal)) as RedisRawMessage[];
    if (signal.aborted)
      throw new Error(`took ${taken.length} of ${count} messages within ${timeoutMs} ms`);
    taken.push(...chunk);
    if (ack) await connector.ack(chunk);
  }
  return taken;
}

export const text = (message: RawMessage): string | null =>
  message.body === null ? null : Buffer.from(message.body).toString("utf8");

export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** The group's pending entries by consumer, as XPENDING's summary gives them. */
export async function pendingByConsumer(
  stream: string,
  group: string,
): Promise<Map<string, number>> {
  const [, , , consumers] = (await redis().xpending(stream, group)) as [
    number,
    string | null,
    string | null,
    [string, string][] | null,
  ];
  return new Map((consumers ?? []).map(([name, count]) => [name, Number(count)]));
}

/** Waits until `check` returns true, polling every `intervalMs`; fails after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
