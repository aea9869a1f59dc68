import type { NodeConnectionOptions } from "@nats-io/transport-node";
import {
  type ConfigFailure,
  type ConnectorConfig,
  configFailure,
  type QueueConfig,
} from "@romeways/core";

/** How the connector creates a missing stream (an existing stream is used as it is). */
export interface NatsStreamOptions {
  /** `"file"` (survives a server restart) or `"memory"`. Default `"file"`. */
  storage?: "file" | "memory";
  /** Copies of each message in a cluster. Default 1. */
  replicas?: number;
  /** Drop messages older than this, handled or not. Default: kept until removed by limits. */
  maxAgeMs?: number;
  /** How long a `Nats-Msg-Id` is remembered for de-duplication. Default the server's (2 minutes). */
  duplicateWindowMs?: number;
}

/**
 * Connector config of the NATS connector: where NATS is (`servers`, plus any option of
 * `@nats-io/transport-node`'s `connect()`: `user`, `pass`, `token`, `tls`, ...).
 */
export interface NatsConnectorConfig extends ConnectorConfig, NodeConnectionOptions {
  /** `"nats://host:4222"`, or several. Default `"127.0.0.1:4222"` (the client's). */
  servers?: string | string[];
  /** Options of streams the connector creates. */
  stream?: NatsStreamOptions;
  /**
   * Create a missing stream and durable consumer (`true`, the default), or expect them to exist
   * (`false`: no stream or consumer is created or changed; `start()` fails when missing).
   */
  declare?: boolean;
  /**
   * Give messages with a key a `Nats-Msg-Id` (the key and a digest of body and headers), so that
   * a send retried within the stream's duplicate window is stored once. Default true.
   */
  deduplicate?: boolean;
}

/** Queue config of the NATS connector. */
export interface NatsQueueConfig extends QueueConfig {
  /** The durable pull consumer: consumers with one group share the stream's messages. */
  group: string;
  /** The subject published to and consumed. Default: the queue name. */
  subject?: string;
  /** The stream holding the subject. Default: the subject with `.` and other signs as `_`. */
  stream?: string;
  /**
   * Milliseconds a delivered message may stay unacknowledged before JetStream delivers it
   * again; while a handler runs, the connector sends `working()` so it is not. Default 30 000.
   */
  ackWaitMs?: number;
  /** Longest one pull request waits on the server (`expires`) before it is sent again. Default 5 000. */
  expiresMs?: number;
  /** Most messages delivered and not yet acknowledged in the group (`max_ack_pending`). Default 1 000. */
  maxAckPending?: number;
}

/** Where an instance sends: all a send-only (dead-letter) instance needs. */
export interface Destination {
  subject: string;
  stream: string;
}

/** What a consuming instance needs, checked by `start()`. */
export interface ConsumerSettings extends Destination {
  group: string;
  ackWaitMs: number;
  expiresMs: number;
  maxAckPending: number;
}

// Longer timers fire at once in Node.
const maxTimerMs = 2 ** 31 - 1;
// What JetStream forbids in stream and consumer names.
const badNameSign = /[\s.*>/\\]/;
// What a subject may not contain to be published to and consumed as one queue.
const badSubject = /(^|\.)(\*|>)(\.|$)|\s|^\.|\.$|\.\./;

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function checkConnectorConfig(config: NatsConnectorConfig, queueName: string): void {
  const fail = configFailure(queueName, config?.connectorName);
  if (typeof config !== "object" || config === null) {
    fail(
      "config",
      'pass a NATS connector config, e.g. { connectorName, servers: "nats://localhost:4222" }',
    );
  }
  const { servers, stream } = config;
  const list = typeof servers === "string" ? [servers] : servers;
  if (
    list !== undefined &&
    (!Array.isArray(list) || list.some((s) => typeof s !== "string" || s.length === 0))
  ) {
    fail(
      "servers",
      'servers must be a non-empty string such as "nats://localhost:4222", or an array of them',
    );
  }
  if (stream !== undefined) {
    if (typeof stream !== "object" || stream === null) fail("stream", "stream must be an object");
    if (stream.storage !== undefined && stream.storage !== "file" && stream.storage !== "memory") {
      fail(
        "stream.storage",
        `stream.storage must be "file" or "memory", got ${String(stream.storage)}`,
      );
    }
    if (stream.replicas !== undefined) positiveInteger(stream.replicas, "stream.replicas", fail, 5);
    if (stream.maxAgeMs !== undefined) positiveInteger(stream.maxAgeMs, "stream.maxAgeMs", fail);
    if (stream.duplicateWindowMs !== undefined) {
      positiveInteger(stream.duplicateWindowMs, "stream.duplicateWindowMs", fail);
    }
  }
  for (const field of ["declare", "deduplicate"] as const) {
    if (config[field] !== undefined && typeof config[field] !== "boolean") {
      fail(field, `${field} must be true or false`);
    }
  }
}

/** The subject and stream of a queue: all a send needs. */
export function resolveDestination(
  config: QueueConfig & { subject?: unknown; stream?: unknown },
  queueName: string,
): Destination {
  const fail = configFailure(queueName, config.connectorName);
  const subject = config.subject ?? queueName;
  if (typeof subject !== "string" || subject.length === 0 || badSubject.test(subject)) {
    fail(
      config.subject === undefined ? "queueName" : "subject",
      `"${String(subject)}" is not a subject to publish to: no spaces, no wildcards (* >), no empty tokens`,
    );
  }
  const stream = config.stream ?? (subject as string).replace(/[^A-Za-z0-9_-]/g, "_");
  if (typeof stream !== "string" || stream.length === 0 || badNameSign.test(stream)) {
    fail(
      "stream",
      `stream must be a name without spaces, ".", "*", ">", "/" or "\\", got ${String(stream)}`,
    );
  }
  return { subject: subject as string, stream: stream as string };
}

/** Checks the consumer-only fields, needed by `start()` and not by a send-only instance. */
export function resolveConsumerSettings(
  config: NatsQueueConfig,
  queueName: string,
): ConsumerSettings {
  const fail = configFailure(queueName, config.connectorName);
  const { group } = config;
  if (typeof group !== "string" || group.length === 0) {
    fail("group", "set group: the durable consumer whose members share the stream's messages");
  }
  if (badNameSign.test(group)) {
    fail(
      "group",
      `group names a durable consumer: no spaces, ".", "*", ">", "/" or "\\", got "${group}"`,
    );
  }
  const ackWaitMs = positiveInteger(config.ackWaitMs ?? 30_000, "ackWaitMs", fail, maxTimerMs);
  // working() goes out every third of ackWait: much below a second it would flood the server.
  if (ackWaitMs < 300) fail("ackWaitMs", `ackWaitMs must be at least 300, got ${ackWaitMs}`);
  const expiresMs = positiveInteger(config.expiresMs ?? 5_000, "expiresMs", fail, maxTimerMs);
  if (expiresMs < 100) fail("expiresMs", `expiresMs must be at least 100, got ${expiresMs}`);
  return {
    ...resolveDestination(config, queueName),
    group,
    ackWaitMs,
    expiresMs,
    maxAckPending: positiveInteger(config.maxAckPending ?? 1_000, "maxAckPending", fail),
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
