import { ConfigError } from "./errors/index.js";

/** The delay before a resent message is handled again, per resend (1 for the first). */
export type ResendDelay = number | ((resendTimes: number) => number);

/** How a queue schedules handlers and resends; part of `QueueConfig`. */
export interface SchedulingConfig {
  /**
   * How many handlers of this queue may run at once. Setting it (or `ordering`) makes the loop
   * keep polling while slots are free, instead of handling a chunk and waiting for its slowest
   * message. Default: unset, Python romeways' chunk at a time (`sequential`, `maxChunkSize`).
   */
  concurrency?: number;
  /**
   * `"key"`: messages with the same key run one at a time, in arrival order, different keys in
   * parallel; a message without a key is ordered with its partition where the connector has
   * partitions (Kafka), else not ordered. `"none"` (default): no order among running handlers.
   */
  ordering?: "key" | "none";
  /**
   * Milliseconds a resent message waits before it is handled again: a number, or a function of
   * the resend count (1 for the first resend). Default: 1 s doubling per resend, at most 30 s,
   * with ±20 % jitter. `0` resends at once, as Python romeways does.
   */
  resendDelayMs?: ResendDelay;
  /** Errors that resend (with the delay) without the handler throwing `ResendError`. */
  resendOn?: (error: unknown) => boolean;
  /**
   * Milliseconds a handler may run: then its `message.signal` aborts and the message takes the
   * failure path with a `HandlerTimeoutError` (dead-lettered with reason `timeout`). Default: none.
   */
  handlerTimeoutMs?: number;
  /**
   * Most resent messages this consumer holds in memory until they are due; past it, polling
   * waits for the earliest to come due. Default 1 000.
   */
  maxHeldMessages?: number;
}

export interface ResolvedScheduling {
  /** Unset: chunk at a time. */
  concurrency: number | undefined;
  ordering: "key" | "none";
  resendDelayMs: ResendDelay;
  resendOn: ((error: unknown) => boolean) | undefined;
  handlerTimeoutMs: number | undefined;
  maxHeldMessages: number;
}

const maxTimerMs = 2 ** 31 - 1;

/** Checks the scheduling fields of a queue config; throws a `ConfigError` naming the field. */
export function resolveScheduling(
  config: SchedulingConfig & { sequential?: unknown; connectorName?: string; maxChunkSize: number },
  queueName: string,
): ResolvedScheduling {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { queueName, connectorName: config.connectorName, field });
  };
  const { concurrency, ordering = "none", resendDelayMs = defaultResendDelay } = config;
  const { resendOn, handlerTimeoutMs, maxHeldMessages = 1_000 } = config;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    fail("concurrency", `concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  if (ordering !== "key" && ordering !== "none") {
    fail("ordering", `ordering must be "key" or "none", got ${String(ordering)}`);
  }
  const scheduled = concurrency !== undefined || config.ordering !== undefined;
  if (scheduled && config.sequential === true) {
    fail(
      "sequential",
      'sequential applies to the chunk-at-a-time loop; with concurrency or ordering, use ordering: "key" (one at a time per key) or concurrency: 1',
    );
  }
  if (typeof resendDelayMs === "number") {
    if (!Number.isFinite(resendDelayMs) || resendDelayMs < 0 || resendDelayMs > maxTimerMs) {
      fail(
        "resendDelayMs",
        `resendDelayMs must be milliseconds from 0 to ${maxTimerMs}, or a function`,
      );
    }
  } else if (typeof resendDelayMs !== "function") {
    fail("resendDelayMs", "resendDelayMs must be milliseconds, or a function of the resend count");
  }
  if (resendOn !== undefined && typeof resendOn !== "function") {
    fail("resendOn", "resendOn must be a function (error) => boolean");
  }
  if (
    handlerTimeoutMs !== undefined &&
    (!Number.isInteger(handlerTimeoutMs) || handlerTimeoutMs < 1 || handlerTimeoutMs > maxTimerMs)
  ) {
    fail("handlerTimeoutMs", `handlerTimeoutMs must be an integer from 1 to ${maxTimerMs}`);
  }
  if (!Number.isInteger(maxHeldMessages) || maxHeldMessages < 1) {
    fail(
      "maxHeldMessages",
      `maxHeldMessages must be an integer >= 1, got ${String(maxHeldMessages)}`,
    );
  }
  return {
    // ordering alone runs as many handlers as one poll takes.
    concurrency: scheduled ? (concurrency ?? config.maxChunkSize) : undefined,
    ordering,
    resendDelayMs,
    resendOn,
    handlerTimeoutMs,
    maxHeldMessages,
  };
}

/** 1 s, doubling per resend, at most 30 s; ±20 % jitter so resends of one outage spread out. */
export function defaultResendDelay(resendTimes: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.max(0, resendTimes - 1));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}

/** The delay of one resend: the handler's `ResendError` option, else the queue's setting. */
export function resendDelayFor(setting: ResendDelay, resendTimes: number): number {
  const delay = typeof setting === "number" ? setting : setting(resendTimes);
  return Number.isFinite(delay) && delay > 0 ? Math.min(delay, maxTimerMs) : 0;
}
