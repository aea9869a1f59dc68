import type { RawMessage } from "./connector.js";
import { deadLetterOf, resendHeaders } from "./dead-letter.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { raisedCounter, resendOf } from "./envelope.js";
import {
  type HandlerTimeoutError,
  InvalidPayloadError,
  ResendError,
  RomewaysError,
  toError,
} from "./errors/index.js";
import type { DeadLetterReason } from "./events.js";
import type { ResolvedQueueConfig } from "./queue-config.js";
import { resendDelayFor } from "./scheduling-config.js";

/** What becomes of one delivery of a message; narrow on `outcome`. */
export type Outcome =
  | { outcome: "handled" }
  | {
      outcome: "resent";
      error: Error;
      /** The counter the resend carries. */
      resendTimes: number;
      /** How long the resend waits before it is handled again. */
      delayMs: number;
      /** What is published to the queue. */
      resend: RawMessage;
    }
  | {
      outcome: "dead-lettered";
      /** Why (for `max-resends`, core's error; its `cause` is what the handler threw last). */
      error: Error;
      reason: DeadLetterReason;
      deadLetterQueue: string;
      /** What is published to the dead-letter queue. */
      deadLetter: RawMessage;
    }
  | { outcome: "failed"; error: Error }
  | { outcome: "discarded"; reason: "empty-body" };

export type OutcomeName = Outcome["outcome"];

/** How the handler call ended. */
export type HandlerResult =
  | { ok: true }
  | { ok: false; thrown: unknown }
  | { ok: false; timedOut: HandlerTimeoutError };

export interface OutcomeInput {
  queueName: string;
  config: ResolvedQueueConfig;
  message: DeliveredMessage;
  result: HandlerResult;
  /** Epoch milliseconds, for the times resends and dead letters carry. */
  nowMs: number;
  /** Time the handler took, so a first resend dates when the message was first seen. */
  durationMs: number;
}

/**
 * Decides what happens to a message once its handler settled: no I/O, no events; the loop
 * publishes, emits, finishes and acknowledges from the result, in one place.
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { result } = input;
  if (result.ok) return { outcome: "handled" };
  if ("timedOut" in result) return failure(input, result.timedOut, "timeout");
  const error = toError(result.thrown);
  // A payload the schema rejects is rejected again on every delivery: never resent.
  if (InvalidPayloadError.isInstance(error)) return failure(input, error, "invalid");
  if (!isResend(result.thrown, input.config)) return failure(input, error, "failed");
  const { message, config } = input;
  const times = message.rwResendTimes;
  if (config.maxResends !== undefined && times >= config.maxResends) {
    const exhausted = new RomewaysError(
      "ROMEWAYS_MAX_RESENDS",
      `message was resent ${times} times, the queue's maxResends`,
      { cause: error },
    );
    return failure(input, exhausted, "max-resends", error);
  }
  const raised = counterProblem(message);
  if (raised !== undefined) {
    const refused = new RomewaysError(raised.code, raised.text, { cause: error });
    return failure(input, refused, raised.reason, error);
  }
  const resendTimes = times + 1;
  const ownDelay = ResendError.isInstance(error) ? error.delayMs : undefined;
  const delayMs = resendDelayFor(ownDelay ?? config.scheduling.resendDelayMs, resendTimes);
  const notBeforeMs = delayMs > 0 ? input.nowMs + delayMs : undefined;
  const headers = resendHeaders(message.raw, input.nowMs - input.durationMs, notBeforeMs);
  return {
    outcome: "resent",
    error,
    resendTimes,
    delayMs,
    resend: resendOf(message.raw, message.python, headers),
  };
}

/** `handlerError`: what the handler threw, when `error` is core's reason wrapped around it. */
function failure(
  input: OutcomeInput,
  error: Error,
  reason: DeadLetterReason,
  handlerError: Error = error,
): Outcome {
  const { deadLetterQueue } = input.config;
  if (deadLetterQueue === undefined) return { outcome: "failed", error };
  const { message, queueName, nowMs } = input;
  return {
    outcome: "dead-lettered",
    error,
    reason,
    deadLetterQueue,
    deadLetter: deadLetterOf(message, queueName, reason, handlerError, nowMs),
  };
}

/** A `ResendError`, or an error the queue's `resendOn` resends; a predicate that throws says no. */
function isResend(thrown: unknown, config: ResolvedQueueConfig): boolean {
  try {
    if (ResendError.isInstance(thrown)) return true;
    return config.scheduling.resendOn?.(thrown) === true;
  } catch {
    return false;
  }
}

interface CounterProblem {
  code: string;
  text: string;
  reason: DeadLetterReason;
}

/**
 * Why the counter cannot be raised for a resend, if it cannot: it is no number (Python raises
 * here too), or it would pass 2^53 - 1, past which a reader cannot tell two counters apart.
 */
function counterProblem(message: DeliveredMessage): CounterProblem | undefined {
  let raised: bigint | number;
  try {
    raised = raisedCounter(message.python.counter);
  } catch (error) {
    const { code, message: text } = error as RomewaysError;
    return { code, text, reason: "failed" };
  }
  if (Number(raised) <= Number.MAX_SAFE_INTEGER) return undefined;
  return {
    code: "ROMEWAYS_MAX_RESENDS",
    text: `message was resent ${String(message.python.counter)} times: one more would pass 2^53 - 1, the largest counter every reader keeps exact`,
    reason: "max-resends",
  };
}
