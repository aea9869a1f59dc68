import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import { DeliveredMessage } from "./delivered-message.js";
import type { ConnectorPhase, QueueRef, RomewaysEmitter } from "./events.js";
import { FailureOutcomes, retryDelayMs } from "./failure-outcomes.js";
import { type Listening, listeningTo, notRead } from "./listening.js";
import type { Logger } from "./logger.js";
import type { Message } from "./message.js";
import type { ResolvedQueueConfig } from "./queue-config.js";

/** A user's handler; whatever it throws has a defined outcome. */
export type Handler = (message: Message) => unknown;

export interface ConsumerLoopOptions {
  queueName: string;
  config: ResolvedQueueConfig;
  handler: Handler;
  connector: Connector;
  /** Publishes to `config.deadLetterQueue`; absent when none is configured. */
  deadLetter: Connector | undefined;
  events: RomewaysEmitter;
  logger: Logger;
  clock: Clock;
}

/**
 * One queue's loop, top to bottom: pace → poll → decode → handle → outcome → ack.
 * A message is acknowledged only once its outcome is final.
 */
export class ConsumerLoop {
  private readonly stopController = new AbortController();
  /** Read once: the getter of `AbortController.signal` costs on every message. */
  private readonly signal = this.stopController.signal;
  private readonly ref: QueueRef;
  /** Outcome final, not yet acknowledged. */
  private finished: RawMessage[] = [];
  private abandoned = false;
  private listening = notRead;
  private running: Promise<void> | undefined;
  private readonly failures: FailureOutcomes;

  constructor(private readonly options: ConsumerLoopOptions) {
    this.ref = { connectorName: options.config.connectorName, queueName: options.queueName };
    this.failures = new FailureOutcomes({
      options,
      ref: this.ref,
      signal: this.signal,
      finish: (raw) => this.finish(raw),
    });
  }

  start(): void {
    // Every step handles its own errors; this catch is the last line against a bug.
    this.running = this.run().catch((error: unknown) => {
      this.options.logger.error(
        { ...this.ref, error },
        "the poll loop stopped on an unexpected error",
      );
    });
  }

  /**
   * Stops polling and waits for in-flight handlers until `deadline` resolves. Returns false
   * when handlers were still running then: what finished is acknowledged, the rest is not.
   */
  async stop(deadline: Promise<void>): Promise<boolean> {
    this.stopController.abort();
    if (this.running === undefined) return true;
    const drained = await Promise.race([this.running.then(() => true), deadline.then(() => false)]);
    if (!drained) {
      await this.ackFinished();
      // Handlers that finish later are not acknowledged: the connector is about to stop.
      this.abandoned = true;
    }
    return drained;
  }

  private async run(): Promise<void> {
    const { connector, config, clock } = this.options;
    const frequencyMs = config.frequency * 1000;
    let lastPollStart: number | undefined;
    let pollFailures = 0;
    while (!this.signal.aborted) {
      if (lastPollStart !== undefined && frequencyMs > 0) {
        const wait = frequencyMs - (clock.now() - lastPollStart);
        if (wait > 0) await clock.sleep(wait, this.signal);
        if (this.signal.aborted) break;
      }
      // At frequency 0 nothing depends on the time: reading it would only cost.
      if (frequencyMs > 0) lastPollStart = clock.now();
      let chunk: RawMessage[];
      try {
        chunk = await connector.getMessages(config.maxChunkSize, this.signal);
        pollFailures = 0;
      } catch (error) {
        if (this.signal.aborted) break;
        this.reportConnectorError("poll", error);
        await clock.sleep(retryDelayMs(++pollFailures), this.signal);
        continue;
      }
      if (chunk.length === 0) continue;
      const handlingStart = frequencyMs > 0 ? clock.now() : 0;
      await this.handleChunk(chunk);
      if (frequencyMs > 0) {
        const handlingMs = clock.now() - handlingStart;
        if (handlingMs > frequencyMs) this.reportOverrun(handlingMs, frequencyMs);
      }
    }
  }

  private async handleChunk(chunk: RawMessage[]): Promise<void> {
    // Every handler of a concurrent chunk starts now. Reading the time costs about as much as
    // the rest of the loop's work on a message: in a sequential chunk, each handler is timed
    // only when a listener will be given its duration (one added during the chunk gets the
    // time since the chunk started, an upper bound).
    const chunkStart = performance.now();
    if (!this.options.config.sequential) {
      await this.processAll(chunk, chunkStart);
    } else {
      await this.processInOrder(chunk, chunkStart);
    }
    await this.ackFinished();
  }

  /** Awaits each handler inline: a `then` per message would cost a promise and two closures. */
  private async processInOrder(chunk: RawMessage[], chunkStart: number): Promise<void> {
    const { handler } = this.options;
    const { timed } = this.listeners();
    for (const raw of chunk) {
      // Stopping: what was not started stays unacknowledged and is delivered again.
      if (this.signal.aborted) break;
      const message = this.receive(raw);
      if (message === undefined) continue;
      const started = timed ? performance.now() : chunkStart;
      try {
        const result = handler(message);
        // await adopts a foreign thenable safely (its then() may throw).
        if (isThenable(result)) await result;
      } catch (thrown) {
        await this.failures.settle(message, thrown, performance.now() - started);
        continue;
      }
      this.succeeded(message, started);
    }
  }

  /** Promise.all without its fixed cost, which is noticeable on small chunks. */
  private processAll(chunk: RawMessage[], started: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let pending = chunk.length;
      const settled = () => {
        if (--pending === 0) resolve();
      };
      try {
        for (const raw of chunk) {
          const outcome = this.process(raw, started);
          if (outcome === undefined) settled();
          else outcome.then(settled, reject);
        }
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * Runs the handler on one message and makes its outcome final (or leaves it unacknowledged).
   * `started` is when its handling started, for the durations of outcome events. Not async:
   * an outcome final at once (a synchronous handler) returns undefined and costs no promise.
   */
  private process(raw: RawMessage, started: number): PromiseLike<void> | undefined {
    const message = this.receive(raw);
    if (message === undefined) return undefined;
    const { handler } = this.options;
    let settling: PromiseLike<unknown> | undefined;
    try {
      const result = handler(message);
      // Promise.resolve adopts a foreign thenable safely (its then() may throw); reading
      // `then` may throw too, hence inside the try.
      if (isThenable(result)) {
        settling = result instanceof Promise ? result : Promise.resolve(result);
      }
    } catch (thrown) {
      return this.failures.settle(message, thrown, performance.now() - started);
    }
    if (settling === undefined) {
      this.succeeded(message, started);
      return undefined;
    }
    return settling.then(
      () => this.succeeded(message, started),
      (thrown: unknown) => this.failures.settle(message, thrown, performance.now() - started),
    );
  }

  /** The message a handler gets; undefined for one without a body, which is discarded. */
  private receive(raw: RawMessage): DeliveredMessage | undefined {
    const { events, logger, queueName } = this.options;
    if (raw.body === null) {
      logger.warn({ ...this.ref }, "message without a body discarded");
      if (this.listeners().discarded) {
        events.emit("message:discarded", { ...this.ref, raw, reason: "empty-body" });
      }
      this.finish(raw);
      return undefined;
    }
    const message = new DeliveredMessage(queueName, raw as RawMessage & { body: Uint8Array });
    if (this.listeners().received) {
      events.emit("message:received", { ...this.ref, message });
    }
    return message;
  }

  private succeeded(message: Message, started: number): void {
    const { events } = this.options;
    if (this.listeners().handled) {
      events.emit("message:handled", {
        ...this.ref,
        message,
        durationMs: performance.now() - started,
      });
    }
    this.finish(message.raw);
  }

  private finish(raw: RawMessage): void {
    // Abandoned at the stop deadline: nothing is acknowledged any more.
    if (!this.abandoned) this.finished.push(raw);
  }

  private async ackFinished(): Promise<void> {
    if (this.finished.length === 0 || this.abandoned) return;
    const done = this.finished;
    this.finished = [];
    try {
      await this.options.connector.ack(done);
    } catch (error) {
      this.reportConnectorError("ack", error);
    }
  }

  /** Per message, `listenerCount` would cost a lookup per event: cached until listeners change. */
  private listeners(): Listening {
    if (this.listening.version !== this.options.events.listenersVersion) {
      this.listening = listeningTo(this.options.events);
    }
    return this.listening;
  }

  private reportConnectorError(phase: ConnectorPhase, thrown: unknown): void {
    reportConnectorError(this.options, this.ref, phase, thrown);
  }

  private reportOverrun(elapsedMs: number, frequencyMs: number): void {
    const { config } = this.options;
    this.options.logger.warn(
      { ...this.ref, elapsedMs, frequencyMs },
      `handling a chunk took ${(elapsedMs / 1000).toFixed(3)}s, longer than the frequency of ${config.frequency}s`,
    );
    this.options.events.emit("poll:overrun", { ...this.ref, elapsedMs, frequencyMs });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
