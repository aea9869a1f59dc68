import { ConfigError } from "./errors/index.js";
import type { PayloadConfig } from "./payload-schema.js";
import {
  type ResolvedScheduling,
  resolveScheduling,
  type SchedulingConfig,
} from "./scheduling-config.js";

/** Settings of one queue consumer (Python romeways' `GenericQueueConfig`). Connectors extend it. */
export interface QueueConfig extends SchedulingConfig, PayloadConfig {
  /** Which registered connector delivers this queue. */
  connectorName: string;
  /** Seconds between the starts of two polls; fractions allowed; 0 polls continuously. Default 0. */
  frequency?: number;
  /** Most messages one poll takes, >= 1. Default 10. */
  maxChunkSize?: number;
  /** true: handle a chunk one message at a time, in order; false: all at once. Default false. */
  sequential?: boolean;
  /** Resends allowed before the message is dead-lettered (or failed). Default: no limit. */
  maxResends?: number;
  /** Queue on the same connector that receives messages that failed or were resent too often. */
  deadLetterQueue?: string;
}

/** A queue config with every default applied. */
export interface ResolvedQueueConfig extends QueueConfig {
  frequency: number;
  maxChunkSize: number;
  sequential: boolean;
  /** Concurrency, ordering, resend delays and deadlines, checked. */
  scheduling: ResolvedScheduling;
}

export const queueConfigDefaults = { frequency: 0, maxChunkSize: 10, sequential: false } as const;

/** Checks a queue config and applies defaults; throws a `ConfigError` naming the field. */
export function resolveQueueConfig<T extends QueueConfig>(
  queueName: string,
  config: T,
): T & ResolvedQueueConfig {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { queueName, connectorName: config?.connectorName, field });
  };
  if (typeof queueName !== "string" || queueName.length === 0) {
    fail("queueName", "the queue name must be a non-empty string");
  }
  if (typeof config !== "object" || config === null) {
    fail("config", "pass a queue config object, e.g. { connectorName: 'memory-dev1' }");
  }
  if (typeof config.connectorName !== "string" || config.connectorName.length === 0) {
    fail("connectorName", "set connectorName to the name of a registered connector");
  }
  const resolved = { ...queueConfigDefaults, ...stripUndefined(config) } as T & ResolvedQueueConfig;
  const { frequency, maxChunkSize, sequential, maxResends, deadLetterQueue } = resolved;
  if (typeof frequency !== "number" || !Number.isFinite(frequency) || frequency < 0) {
    fail(
      "frequency",
      `frequency must be a finite number of seconds >= 0, got ${String(frequency)}`,
    );
  }
  if (!Number.isInteger(maxChunkSize) || maxChunkSize < 1) {
    fail("maxChunkSize", `maxChunkSize must be an integer >= 1, got ${String(maxChunkSize)}`);
  }
  if (typeof sequential !== "boolean") {
    fail("sequential", `sequential must be true or false, got ${String(sequential)}`);
  }
  if (maxResends !== undefined && (!Number.isInteger(maxResends) || maxResends < 0)) {
    fail("maxResends", `maxResends must be an integer >= 0, got ${String(maxResends)}`);
  }
  if (deadLetterQueue !== undefined) {
    if (typeof deadLetterQueue !== "string" || deadLetterQueue.length === 0) {
      fail("deadLetterQueue", "deadLetterQueue must be a non-empty queue name");
    }
    if (deadLetterQueue === queueName) {
      fail("deadLetterQueue", "deadLetterQueue must differ from the queue it serves");
    }
  }
  if (resolved.schema !== undefined && !isStandardSchema(resolved.schema)) {
    fail(
      "schema",
      "schema must be a Standard Schema (zod, valibot, arktype, ...): it has no ['~standard'].validate",
    );
  }
  if (resolved.decode !== undefined && typeof resolved.decode !== "function") {
    fail("decode", "decode must be a function (payload: string) => unknown");
  }
  resolved.scheduling = resolveScheduling(resolved, queueName);
  return resolved;
}

function isStandardSchema(value: unknown): boolean {
  const standard = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof standard?.validate === "function";
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A dead-letter queue is addressed by name alone: only the generic fields go with it. */
export function deadLetterQueueConfig(config: ResolvedQueueConfig): ResolvedQueueConfig {
  const { connectorName, frequency, maxChunkSize, sequential } = config;
  const generic = { connectorName, frequency, maxChunkSize, sequential };
  return { ...generic, scheduling: resolveScheduling(generic, config.deadLetterQueue ?? "") };
}
