import type { Connector, RawMessage } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import type { ConsumerLoopOptions } from "./consumer-loop.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { deadLetterOf, raisedCounter, resendOf } from "./envelope.js";
import { ResendError, RomewaysError, toError } from "./errors/index.js";
import type { DeadLetterReason, QueueRef } from "./events.js";

const maxRetryDelayMs = 5_000;

/** Backoff of a failed connector call: 100 ms, doubling, at most 5 s. */
export const retryDelayMs = (attempt: number) =>
  Math.min(maxRetryDelayMs, 100 * 2 ** (attempt - 1));

/** What the failure path needs of its poll loop. */
export interface FailingLoop {
  readonly options: ConsumerLoopOptions;
  readonly ref: QueueRef;
  /** Aborted when the loop stops: a publish then gives up, leaving the message unacknowledged. */
  readonly signal: AbortSignal;
  /** The message's outcome is final: it may be acknowledged. */
  finish(raw: RawMessage): void;
}

/**
 * The outcomes of a handler that threw or rejected: a `ResendError` resends the message (or
 * dead-letters it past `maxResends`); anything else dead-letters it, or drops it when the
 * queue has no dead-letter queue. A publish is retried until it succeeds or the loop stops.
 */
export class FailureOutcomes {
  constructor(private readonly loop: FailingLoop) {}

  /** Makes the outcome of a handler failure final: resent, dead-lettered or failed. */
  async settle(message: DeliveredMessage, thrown: unknown, durationMs: number): Promise<void> {
    const { config, events, logger, connector } = this.loop.options;
    const error = toError(thrown);
    if (!ResendError.isInstance(thrown))
      return this.deadLetter(message, error, "failed", durationMs);
    const { maxResends } = config;
    if (maxResends !== undefined && message.rwResendTimes >= maxResends) {
      const exhausted = new RomewaysError(
        "ROMEWAYS_MAX_RESENDS",
        `message was resent ${message.rwResendTimes} times, the queue's maxResends`,
        { cause: error },
      );
      return this.deadLetter(message, exhausted, "max-resends", durationMs);
    }
    const counterError = unraisableCounter(message);
    if (counterError !== undefined) {
      const cause = new RomewaysError(counterError.code, counterError.message, { cause: error });
      return this.deadLetter(message, cause, counterError.reason, durationMs);
    }
    const resendTimes = message.rwResendTimes + 1;
    if (!(await this.publish(connector, resendOf(message.raw, message.python)))) return;
    logger.debug({ ...this.loop.ref, resendTimes, error: error.message }, "message resent");
    if (events.listenerCount("message:resent") > 0) {
      events.emit("message:resent", { ...this.loop.ref, message, durationMs, error, resendTimes });
    }
    this.loop.finish(message.raw);
  }

  private async deadLetter(
    message: DeliveredMessage,
    error: Error,
    reason: DeadLetterReason,
    durationMs: number,
  ): Promise<void> {
    const { deadLetter, config, events, logger } = this.loop.options;
    const deadLetterQueue = config.deadLetterQueue;
    if (deadLetter === undefined || deadLetterQueue === undefined) {
      logger.error({ ...this.loop.ref, error }, `message failed and was dropped: ${error.message}`);
      if (events.listenerCount("message:failed") > 0) {
        events.emit("message:failed", { ...this.loop.ref, message, durationMs, error });
      }
      return this.loop.finish(message.raw);
    }
    const { raw } = message;
    const dead = deadLetterOf(message, message.python, this.loop.options.queueName, reason, error);
    if (!(await this.publish(deadLetter, dead))) return;
    logger.warn({ ...this.loop.ref, deadLetterQueue, reason, error }, "message dead-lettered");
    if (events.listenerCount("message:dead-lettered") > 0) {
      events.emit("message:dead-lettered", {
        ...this.loop.ref,
        message,
        durationMs,
        error,
        reason,
        deadLetterQueue,
      });
    }
    this.loop.finish(raw);
  }

  /** Publishes until it succeeds; gives up only when stopping, leaving the message unacknowledged. */
  private async publish(target: Connector, message: RawMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.sendMessage(message);
        return true;
      } catch (error) {
        reportConnectorError(this.loop.options, this.loop.ref, "send", error);
        if (this.loop.signal.aborted) return false;
        await this.loop.options.clock.sleep(retryDelayMs(attempt), this.loop.signal);
      }
    }
  }
}

interface CounterError {
  code: string;
  message: string;
  reason: DeadLetterReason;
}

/**
 * Why the counter cannot be raised for a resend, if it cannot: it is no number (Python raises
 * here too), or it would pass 2^53 - 1, past which a reader cannot tell two counters apart.
 */
function unraisableCounter(message: DeliveredMessage): CounterError | undefined {
  let raised: bigint | number;
  try {
    raised = raisedCounter(message.python.counter);
  } catch (error) {
    const { code, message: text } = error as RomewaysError;
    return { code, message: text, reason: "failed" };
  }
  if (Number(raised) <= Number.MAX_SAFE_INTEGER) return undefined;
  return {
    code: "ROMEWAYS_MAX_RESENDS",
    message: `message was resent ${String(message.python.counter)} times: one more would pass 2^53 - 1, the largest counter every reader keeps exact`,
    reason: "max-resends",
  };
}
