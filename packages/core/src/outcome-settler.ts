import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { errorFields, toError } from "./errors/index.js";
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
}

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
      const destination = dead ? { ...ref, queueName: outcome.deadLetterQueue } : ref;
      instrumentSend(
        instrumentation,
        published,
        dead ? "dead-letter" : "resend",
        destination,
        message,
      );
    }
    if (await this.publish(target, published)) this.final(message, outcome, durationMs);
  }

  private final(message: DeliveredMessage, outcome: Outcome, durationMs: number): void {
    const { events, logger, ref } = this.options;
    const listening = this.options.listeners();
    switch (outcome.outcome) {
      case "handled":
        if (listening.handled) events.emit("message:handled", { ...ref, message, durationMs });
        break;
      case "resent": {
        const { error, resendTimes, delayMs } = outcome;
        logger.debug(
          { ...ref, resendTimes, delayMs, error: errorFields(error).message },
          "message resent",
        );
        if (events.listenerCount("message:resent") > 0) {
          events.emit("message:resent", {
            ...ref,
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
            ...ref,
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
          events.emit("message:failed", { ...ref, message, durationMs, error });
        }
        break;
      }
      default:
        break;
    }
    if (listening.outcome) {
      events.emit("message:outcome", { ...ref, raw: message.raw, message, outcome, durationMs });
    }
    this.options.finish(message.raw);
  }

  /** Publishes until it succeeds; gives up only when stopping, leaving the message unacknowledged. */
  private async publish(target: Connector, message: RawMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.sendMessage(message);
        return true;
      } catch (error) {
        reportConnectorError(this.options, this.options.ref, "send", error);
        if (this.options.signal.aborted) return false;
        await this.options.clock.sleep(retryDelayMs(attempt), this.options.signal);
        if (this.options.signal.aborted) return false;
      }
    }
  }
}
