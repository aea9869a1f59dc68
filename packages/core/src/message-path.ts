import type { Acknowledgements } from "./acknowledgements.js";
import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { DeliveredMessage } from "./delivered-message.js";
import { toError } from "./errors/index.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import {
  failedWith,
  type Handler,
  type HandlerCaller,
  handlerCaller,
  handlerOk,
  isThenable,
} from "./handler-call.js";
import type { Instrumentation } from "./instrumentation.js";
import { type Listening, listeningTo } from "./listening.js";
import type { Logger } from "./logger.js";
import { decideOutcome, type HandlerResult, type Outcome } from "./outcome.js";
import { OutcomeSettler } from "./outcome-settler.js";
import { payloadCheckOf } from "./payload-schema.js";
import type { ResolvedQueueConfig } from "./queue-config.js";

export interface MessagePathOptions {
  queueName: string;
  ref: QueueRef;
  config: ResolvedQueueConfig;
  handler: Handler;
  connector: Connector;
  deadLetter: Connector | undefined;
  events: RomewaysEmitter;
  logger: Logger;
  clock: Clock;
  instrumentation?: Instrumentation | undefined;
  /** Aborted when the loop stops. */
  signal: AbortSignal;
  /** Where messages whose outcome is final wait to be acknowledged. */
  acks: Acknowledgements;
  epochNow(): number;
}

const handled: Outcome = Object.freeze({ outcome: "handled" });

/**
 * One message's way from the broker to its outcome: received, its handler called (the one
 * call path), the outcome decided and settled. The loop decides when; this decides what.
 */
export class MessagePath {
  private listening: Listening;
  private readonly stopFollowingListeners: () => void;
  private readonly settler: OutcomeSettler;
  private readonly callHandler: HandlerCaller;
  /** Messages whose handler read `message.signal`: the stop deadline aborts them. */
  private readonly watched = new Set<DeliveredMessage>();
  private readonly acks: Acknowledgements;

  constructor(private readonly options: MessagePathOptions) {
    const { config, ref, events } = options;
    this.listening = listeningTo(events);
    this.stopFollowingListeners = events.onListenersChanged(() => {
      this.listening = listeningTo(events);
    });
    this.acks = options.acks;
    this.settler = new OutcomeSettler({
      ...options,
      finish: (raw) => this.acks.finish(raw),
      listeners: () => this.listeners(),
      deadLetterQueue: config.deadLetterQueue,
    });
    this.callHandler = handlerCaller({
      handler: options.handler,
      clock: options.clock,
      timeoutMs: config.scheduling.handlerTimeoutMs,
      onLate: (message, result, durationMs) => this.settler.reportLate(message, result, durationMs),
      payload: payloadCheckOf(config, options.events, ref),
    });
  }

  /**
   * Runs the handler on one message and makes its outcome final (or leaves it unacknowledged).
   * Not async: an outcome final at once (a synchronous handler) costs no promise.
   */
  process(raw: RawMessage, started: number): PromiseLike<void> | undefined {
    const message = this.receive(raw);
    if (message === undefined) return undefined;
    const called = this.callHandler(message);
    let settling: Promise<unknown>;
    // A Promise first: what an async handler returns, and the cheapest to recognise.
    if (called instanceof Promise) settling = called;
    else if (isThenable(called))
      settling = Promise.resolve(called); // adopts a hostile then() safely
    else return this.conclude(message, called, started);
    return settling.then(
      () => this.conclude(message, handlerOk, started),
      (thrown: unknown) => this.conclude(message, failedWith(thrown), started),
    );
  }

  /** The handler's result, or its thenable, for a caller that awaits it inline. */
  call(message: DeliveredMessage): HandlerResult | PromiseLike<unknown> {
    return this.callHandler(message);
  }

  /** The message a handler gets; undefined for one without a body, which is discarded. */
  receive(raw: RawMessage): DeliveredMessage | undefined {
    if (raw.body === null) {
      this.settler.discard(raw);
      return undefined;
    }
    const message = new DeliveredMessage(
      this.options.queueName,
      raw as RawMessage & { body: Uint8Array },
      this.watched,
    );
    if (this.listeners().received) {
      // Spelt out: `{ ...ref, message }` takes a slow path costing µs (outcome-settler.ts).
      const { connectorName, queueName } = this.options.ref;
      this.options.events.emit("message:received", { connectorName, queueName, message });
    }
    return message;
  }

  conclude(
    message: DeliveredMessage,
    result: HandlerResult,
    started: number,
  ): Promise<void> | undefined {
    // Only messages whose handler read `signal` are watched: most never are.
    if (this.watched.size !== 0) this.watched.delete(message);
    if (result === handlerOk) {
      const listening = this.listeners();
      // Most messages: handled, nobody listening, nothing to publish. Straight to the acks.
      if (!listening.handled && !listening.outcome) {
        this.acks.finish(message.raw);
        return undefined;
      }
      // Reading the time costs about as much as the rest of the loop's work on a message.
      const durationMs = listening.timed ? performance.now() - started : 0;
      return this.settler.settle(message, handled, durationMs, listening);
    }
    const durationMs = performance.now() - started;
    let outcome: Outcome = handled;
    if (!result.ok) {
      const { queueName, config } = this.options;
      try {
        outcome = decideOutcome({
          queueName,
          config,
          message,
          result,
          nowMs: this.options.epochNow(),
          durationMs,
        });
      } catch (bug) {
        outcome = { outcome: "failed", error: toError(bug) };
      }
    }
    return this.settler.settle(message, outcome, durationMs);
  }

  /** The stop deadline: handlers still running that read their signal are told to give up. */
  abortWatched(reason: Error): void {
    for (const message of this.watched) message.abort(reason);
  }

  /**
   * Which events have listeners. Per message, `listenerCount` would cost a lookup per event, and
   * even a version check costs 3 % of a no-op message: kept up to date as listeners change.
   */
  listeners(): Listening {
    return this.listening;
  }

  /** The loop is done: stop following listener changes. */
  close(): void {
    this.stopFollowingListeners();
  }
}
