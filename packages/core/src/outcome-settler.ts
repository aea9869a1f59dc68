import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import { deadLetterOf } from "./dead-letter.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { errorFields, RomewaysError, toError } from "./errors/index.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import { type Instrumentation, instrumentSend } from "./instrumentation.js";
import type { Listening } from "./listening.js";
import type { Logger } from "./logger.js";
import type { HandlerResult, Outcome } from "./outcome.js";

const maxRetryDelayMs = 5_000;

/** Backoff of a failed connector call: 100 ms, doubling, at most 5 s. */
export const retryDelayMs = (attempt: number) =>
  Math.min(maxRetryDelayMs, 100 * 2 ** (attempt - 1));

export interface SettlerOptions {
  ref: QueueRef;
  connector: Connector;
  /** Publishes to the dead-letter queue; absent when none is configured. */
  deadLetter: Connector | undefined;
  events: RomewaysEmitter;
  logger: Logger;
  clock: Clock;
  /** Aborted when the loop stops: a publish then gives up, leaving the message unacknowledged. */
  signal: AbortSignal;
  listeners(): Listening;
  /** Adds headers (a trace context) to resends and dead letters; undefined when none. */
  instrumentation?: Instrumentation | undefined;
  /** The message's outcome is final: it may be acknowledged. */
  finish(raw: RawMessage): void;
  /** The queue's `deadLetterQueue`: where a resend the broker refuses for good goes instead. */
  deadLetterQueue?: string | undefined;
}

/** Attempts at a publish the broker refuses for good (see `refusedForGood`) before giving up. */
const permanentFailureAttempts = 3;

/**
 * The broker will refuse this publish however often it is tried (a message over the topic's
 * size limit, an unknown topic, no authorization). Clients mark such errors with an own
 * `retriable: false` (kafkajs does; connectors may too); anything else may pass and is retried.
 */
function refusedForGood(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    Object.hasOwn(error, "retriable") &&
    (error as { retriable: unknown }).retriable === false
  );
}

type PublishResult = { sent: true } | { sent: false; refused?: Error };

/**
 * The one place an outcome takes effect: publish what it publishes (retried until it lands or
 * the loop stops), log, emit, and mark the message finished for acknowledgement.
 */
export class OutcomeSettler {
  /** Handlers that settled after their deadline, since the loop started. */
  private lateHandlers = 0;

  constructor(private readonly options: SettlerOptions) {}

  /** Undefined when the outcome was final at once (nothing to publish): no promise then. */
  settle(
    message: DeliveredMessage,
    outcome: Outcome,
    durationMs: number,
    listening: Listening = this.options.listeners(),
  ): Promise<void> | undefined {
    switch (outcome.outcome) {
      case "handled":
        // Most messages, so the cheapest path: nothing to publish, mostly nobody listening.
        if (listening.handled || listening.outcome) this.final(message, outcome, durationMs);
        else this.options.finish(message.raw);
        return undefined;
      case "resent":
        return this.publishThen(
          this.options.connector,
          outcome.resend,
          message,
          outcome,
          durationMs,
        );
      case "dead-lettered":
        return this.publishThen(
          this.options.deadLetter as Connector,
          outcome.deadLetter,
          message,
          outcome,
          durationMs,
        );
      default:
        this.final(message, outcome, durationMs);
        return undefined;
    }
  }

  /** A handler settled after its deadline had decided its outcome: logged, emitted, counted. */
  reportLate(message: DeliveredMessage, result: HandlerResult, durationMs: number): void {
    const { events, logger, ref } = this.options;
    const error = result.ok
      ? undefined
      : "thrown" in result
        ? toError(result.thrown)
        : result.timedOut;
    this.lateHandlers++;
    logger.warn(
      { ...ref, durationMs, lateHandlers: this.lateHandlers },
      "a handler settled after its deadline; its outcome had already been taken, so this changes nothing",
    );
    if (events.listenerCount("message:late") > 0) {
      events.emit("message:late", { ...ref, message, durationMs, error });
    }
  }

  /** A message without a body: nothing to handle. */
  discard(raw: RawMessage): void {
    const { events, logger, ref } = this.options;
    logger.warn({ ...ref }, "message without a body discarded");
    if (this.options.listeners().discarded) {
      events.emit("message:discarded", { ...ref, raw, reason: "empty-body" });
    }
    if (this.options.listeners().outcome) {
      events.emit("message:outcome", {
        ...ref,
        raw,
        message: undefined,
        outcome: { outcome: "discarded", reason: "empty-body" },
        durationMs: 0,
      });
    }
    this.options.finish(raw);
  }

  private async publishThen(
    target: Connector,
    published: RawMessage,
    message: DeliveredMessage,
    outcome: Outcome,
    durationMs: number,
  ): Promise<void> {
    const { instrumentation, ref } = this.options;
    if (instrumentation !== undefined) {
      const dead = outcome.outcome === "dead-lettered";
      const destination = dead
        ? { connectorName: ref.connectorName, queueName: outcome.deadLetterQueue }
        : ref;
      instrumentSend(
        instrumentation,
        published,
        dead ? "dead-letter" : "resend",
        destination,
        message,
      );
    }
    const result = await this.publish(target, published);
    if (result.sent) return this.final(message, outcome, durationMs);
    // Stopping: left unacknowledged, delivered again. Refused for good: it must not block the queue.
    if (result.refused !== undefined)
      await this.insteadOfRefused(message, outcome, result.refused, durationMs);
  }

  /**
   * A resend or dead letter the broker refuses for good takes the failure path instead: a refused
   * resend is dead-lettered (reason `send-failed`) where the queue has a dead-letter queue, and
   * failed otherwise; a refused dead letter fails.
   */
  private async insteadOfRefused(
    message: DeliveredMessage,
    outcome: Outcome,
    refused: Error,
    durationMs: number,
  ): Promise<void> {
    const { deadLetter, deadLetterQueue, ref, clock } = this.options;
    const what = outcome.outcome === "resent" ? "resend" : "dead letter";
    const error = new RomewaysError(
      "ROMEWAYS_SEND_REFUSED",
      `the broker refused the ${what} of this message for good: ${errorFields(refused).message}`,
      { cause: refused },
    );
    if (outcome.outcome === "resent" && deadLetter !== undefined && deadLetterQueue !== undefined) {
      const nowMs = clock.epochNow?.() ?? Date.now();
      const dead = deadLetterOf(message, ref.queueName, "send-failed", error, nowMs);
      const instead: Outcome = {
        outcome: "dead-lettered",
        error,
        reason: "send-failed",
        deadLetterQueue,
        deadLetter: dead,
      };
      return this.publishThen(deadLetter, dead, message, instead, durationMs);
    }
    this.final(message, { outcome: "failed", error }, durationMs);
  }

  // Event payloads spell out connectorName and queueName: on Node 20, `{ ...ref, more }` costs a
  // few µs per object (a slow path), more than the rest of a no-op message's handling.
  private final(message: DeliveredMessage, outcome: Outcome, durationMs: number): void {
    const { events, logger, ref } = this.options;
    const listening = this.options.listeners();
    switch (outcome.outcome) {
      case "handled":
        if (listening.handled)
          events.emit("message:handled", {
            connectorName: ref.connectorName,
            queueName: ref.queueName,
            message,
            durationMs,
          });
        break;
      case "resent": {
        const { error, resendTimes, delayMs } = outcome;
        logger.debug(
          { ...ref, resendTimes, delayMs, error: errorFields(error).message },
          "message resent",
        );
        if (events.listenerCount("message:resent") > 0) {
          events.emit("message:resent", {
            connectorName: ref.connectorName,
            queueName: ref.queueName,
            message,
            durationMs,
            error,
            resendTimes,
            delayMs,
          });
        }
        break;
      }
      case "dead-lettered": {
        const { error, reason, deadLetterQueue } = outcome;
        logger.warn({ ...ref, deadLetterQueue, reason, error }, "message dead-lettered");
        if (events.listenerCount("message:dead-lettered") > 0) {
          events.emit("message:dead-lettered", {
            connectorName: ref.connectorName,
            queueName: ref.queueName,
            message,
            durationMs,
            error,
            reason,
            deadLetterQueue,
          });
        }
        break;
      }
      case "failed": {
        const { error } = outcome;
        logger.error(
          { ...ref, error },
          `message failed and was dropped: ${errorFields(error).message}`,
        );
        if (events.listenerCount("message:failed") > 0) {
          events.emit("message:failed", {
            connectorName: ref.connectorName,
            queueName: ref.queueName,
            message,
            durationMs,
            error,
          });
        }
        break;
      }
      default:
        break;
    }
    if (listening.outcome) {
      events.emit("message:outcome", {
        connectorName: ref.connectorName,
        queueName: ref.queueName,
        raw: message.raw,
        message,
        outcome,
        durationMs,
      });
    }
    this.options.finish(message.raw);
  }

  /**
   * Publishes until it succeeds, with backoff. Gives up when stopping (the message stays
   * unacknowledged) and after a few attempts the broker refuses for good.
   */
  private async publish(target: Connector, message: RawMessage): Promise<PublishResult> {
    const { signal, clock, ref } = this.options;
    let refusals = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await target.sendMessage(message);
        return { sent: true };
      } catch (error) {
        reportConnectorError(this.options, ref, "send", error);
        if (refusedForGood(error) && ++refusals >= permanentFailureAttempts) {
          return { sent: false, refused: toError(error) };
        }
        if (signal.aborted) return { sent: false };
        await clock.sleep(retryDelayMs(attempt), signal);
        if (signal.aborted) return { sent: false };
      }
    }
  }
}
