import { hostname } from "node:os";
import {
  type ConfigFailure,
  type ConnectorConfig,
  type ConnectorConfigSpec,
  configFailure,
  type QueueConfig,
} from "@romeways/core";
import type { RedisClientOptions } from "./redis-client.js";

/** Connector config of the Redis connector: where Redis is, as a URL or as ioredis options. */
export interface RedisConnectorConfig extends ConnectorConfig, RedisClientOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. ioredis options
   * beside it (`password`, `tls`, ...) apply on top. Default: the options alone, which
   * default to localhost:6379.
   */
  url?: string;
  /**
   * Trim each stream of this connector to about this many entries when sending (`XADD MAXLEN
   * ~`), dead-letter streams included; a queue's own `maxLength` wins. Trimming drops the
   * oldest entries whether or not a group has acknowledged them. Default: no trimming.
   */
  maxLength?: number;
}

/** Queue config of the Redis connector. */
export interface RedisQueueConfig extends QueueConfig {
  /** The stream to consume and to resend to. Default: the queue name. */
  stream?: string;
  /** The consumer group; consumers in one group share the stream's messages. */
  group: string;
  /**
   * This consumer's name in the group, unique among running consumers. Default
   * `<hostname>-<pid>-<n>`, a new one per instance, so every worker process has its own.
   * A fixed name lets a restarted consumer take back its own pending messages at once.
   */
  consumer?: string;
  /**
   * Milliseconds a message may stay taken without being acknowledged or renewed before
   * another consumer claims it (`XAUTOCLAIM`): how long a crashed consumer's messages wait.
   * A running consumer renews what it holds every third of this. Default 30 000.
   */
  claimIdleMs?: number;
  /** Longest one `XREADGROUP ... BLOCK` waits on the server before it is sent again. Default 5 000. */
  blockMs?: number;
  /** Trim this stream to about this many entries when sending (`XADD MAXLEN ~`). Default: the connector's. */
  maxLength?: number;
}

/** What a consumer instance needs, checked when it starts. */
export interface ConsumerSettings {
  stream: string;
  group: string;
  consumer: string;
  claimIdleMs: number;
  blockMs: number;
}

// Longer timers fire at once in Node.
const maxTimerMs = 2 ** 31 - 1;
// Several instances in one process (one per queue, and a restart) get names of their own.
let instancesNamed = 0;

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function checkConnectorConfig(config: RedisConnectorConfig, queueName: string): void {
  const fail = configFailure(queueName, config?.connectorName);
  if (typeof config !== "object" || config === null) {
    fail(
      "config",
      'pass a Redis connector config, e.g. { connectorName, url: "redis://localhost:6379" }',
    );
  }
  if (config.url !== undefined && (typeof config.url !== "string" || config.url.length === 0)) {
    fail("url", 'url must be a non-empty string such as "redis://localhost:6379"');
  }
  if (config.maxLength !== undefined) positiveInteger(config.maxLength, "maxLength", fail);
}

/** The stream of a queue: `stream` if set, else the queue name. */
export function resolveStream(
  config: QueueConfig & { stream?: unknown },
  queueName: string,
): string {
  const { stream } = config;
  if (stream === undefined) return queueName;
  if (typeof stream !== "string" || stream.length === 0) {
    configFailure(queueName, config.connectorName)("stream", "stream must be a non-empty string");
  }
  return stream as string;
}

/** `MAXLEN ~` of sends to this queue, if any: the queue's, else the connector's. */
export function resolveMaxLength(
  connectorConfig: RedisConnectorConfig,
  queueConfig: QueueConfig & { maxLength?: unknown },
  queueName: string,
): number | undefined {
  const value = queueConfig.maxLength ?? connectorConfig.maxLength;
  if (value === undefined) return undefined;
  return positiveInteger(value, "maxLength", configFailure(queueName, queueConfig.connectorName));
}

/** Checks the consumer-only fields, needed by `start()` and not by a send-only instance. */
export function resolveConsumerSettings(
  config: RedisQueueConfig,
  queueName: string,
): ConsumerSettings {
  const fail = configFailure(queueName, config.connectorName);
  const { group, consumer } = config;
  if (typeof group !== "string" || group.length === 0) {
    fail("group", "set group: consumers in one group share the stream's messages");
  }
  if (consumer !== undefined && (typeof consumer !== "string" || consumer.length === 0)) {
    fail("consumer", "consumer must be a non-empty string, or left out for a name per instance");
  }
  return {
    stream: resolveStream(config, queueName),
    group,
    consumer: consumer ?? `${hostname()}-${process.pid}-${++instancesNamed}`,
    claimIdleMs: positiveInteger(config.claimIdleMs ?? 30_000, "claimIdleMs", fail, maxTimerMs),
    // BLOCK 0 would mean "forever" to Redis.
    blockMs: positiveInteger(config.blockMs ?? 5_000, "blockMs", fail, maxTimerMs),
  };
}

function positiveInteger(
  value: unknown,
  field: string,
  fail: ConfigFailure,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    fail(field, `${field} must be an integer >= 1, got ${String(value)}`);
  }
  if ((value as number) > max) fail(field, `${field} must be at most ${max}, got ${String(value)}`);
  return value as number;
}

/**
 * The queue fields core accepts (any other is a ConfigError with a suggestion), and the checks
 * `start()` makes, run by core before anything connects and by the test harness. The
 * connector config's fields are not listed: they include every ioredis option.
 */
export const redisConfigSpec: ConnectorConfigSpec<RedisConnectorConfig, RedisQueueConfig> = {
  queueFields: {
    stream: true,
    group: true,
    consumer: true,
    claimIdleMs: true,
    blockMs: true,
    maxLength: true,
  },
  check(connectorConfig, queueConfig, queueName) {
    checkConnectorConfig(connectorConfig, queueName);
    resolveStream(queueConfig, queueName);
    resolveMaxLength(connectorConfig, queueConfig, queueName);
    resolveConsumerSettings(queueConfig, queueName);
  },
};
