import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { decodeBody, resendOf } from "./envelope.js";
import { ResendError, RomewaysError, toError } from "./errors/index.js";
import type { ConnectorPhase, DeadLetterReason, QueueRef, RomewaysEmitter } from "./events.js";
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

const maxRetryDelayMs = 5_000;
const retryDelayMs = (attempt: number) => Math.min(maxRetryDelayMs, 100 * 2 ** (attempt - 1));

/**
 * One queue's loop, top to bottom: pace → poll → decode → handle → outcome → ack.
 * A message is acknowledged only once its outcome is final.
 */
export class ConsumerLoop {
  private readonly stopController = new AbortController();
  private readonly ref: QueueRef;
  /** Outcome final, not yet acknowledged. */
  private finished: RawMessage[] = [];
  private abandoned = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ConsumerLoopOptions) {
    this.ref = { connectorName: options.config.connectorName, queueName: options.queueName };
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

  private get signal(): AbortSignal {
    return this.stopController.signal;
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
      lastPollStart = clock.now();
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
      const handlingStart = clock.now();
      await this.handleChunk(chunk);
      const handlingMs = clock.now() - handlingStart;
      if (frequencyMs > 0 && handlingMs > frequencyMs) this.reportOverrun(handlingMs, frequencyMs);
    }
  }

  private async handleChunk(chunk: RawMessage[]): Promise<void> {
    if (this.options.config.sequential) {
      for (const raw of chunk) {
        // Stopping: what was not started stays unacknowledged and is delivered again.
        if (this.signal.aborted) break;
        await this.process(raw);
      }
    } else {
      await Promise.all(chunk.map((raw) => this.process(raw)));
    }
    await this.ackFinished();
  }

  /** Runs the handler on one message and makes its outcome final (or leaves it unacknowledged). */
  private async process(raw: RawMessage): Promise<void> {
    const { events, logger, handler, queueName } = this.options;
    if (raw.body === null) {
      logger.warn({ ...this.ref }, "message without a body discarded");
      if (events.listenerCount("message:discarded") > 0) {
        events.emit("message:discarded", { ...this.ref, raw, reason: "empty-body" });
      }
      return this.finish(raw);
    }
    const { payload, rwResendTimes } = decodeBody(raw.body);
    const message: Message = { queueName, payload, rwResendTimes, raw };
    if (events.listenerCount("message:received") > 0) {
      events.emit("message:received", { ...this.ref, message });
    }
    const started = performance.now();
    try {
      await handler(message);
    } catch (thrown) {
      return this.settleFailure(message, thrown, performance.now() - started);
    }
    if (events.listenerCount("message:handled") > 0) {
      events.emit("message:handled", {
        ...this.ref,
        message,
        durationMs: performance.now() - started,
      });
    }
    this.finish(raw);
  }

  private async settleFailure(
    message: Message,
    thrown: unknown,
    durationMs: number,
  ): Promise<void> {
    const { config, events, logger, connector } = this.options;
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
    const resendTimes = message.rwResendTimes + 1;
    if (!(await this.publish(connector, resendOf(message.raw, message.payload, resendTimes))))
      return;
    logger.debug({ ...this.ref, resendTimes, error: error.message }, "message resent");
    if (events.listenerCount("message:resent") > 0) {
      events.emit("message:resent", { ...this.ref, message, durationMs, error, resendTimes });
    }
    this.finish(message.raw);
  }

  private async deadLetter(
    message: Message,
    error: Error,
    reason: DeadLetterReason,
    durationMs: number,
  ): Promise<void> {
    const { deadLetter, config, events, logger } = this.options;
    const deadLetterQueue = config.deadLetterQueue;
    if (deadLetter === undefined || deadLetterQueue === undefined) {
      logger.error({ ...this.ref, error }, `message failed and was dropped: ${error.message}`);
      if (events.listenerCount("message:failed") > 0) {
        events.emit("message:failed", { ...this.ref, message, durationMs, error });
      }
      return this.finish(message.raw);
    }
    const { raw } = message;
    const dead: RawMessage = {
      body: raw.body,
      headers: {
        ...raw.headers,
        "x-romeways-dead-letter-reason": reason,
        "x-romeways-error": error.message.slice(0, 1_000),
        "x-romeways-source-queue": this.options.queueName,
        "x-romeways-resend-times": String(message.rwResendTimes),
      },
    };
    if (raw.key !== undefined) dead.key = raw.key;
    if (!(await this.publish(deadLetter, dead))) return;
    logger.warn({ ...this.ref, deadLetterQueue, reason, error }, "message dead-lettered");
    if (events.listenerCount("message:dead-lettered") > 0) {
      events.emit("message:dead-lettered", {
        ...this.ref,
        message,
        durationMs,
        error,
        reason,
        deadLetterQueue,
      });
    }
    this.finish(raw);
  }

  /** Publishes until it succeeds; gives up only when stopping, leaving the message unacknowledged. */
  private async publish(target: Connector, message: RawMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.sendMessage(message);
        return true;
      } catch (error) {
        this.reportConnectorError("send", error);
        if (this.signal.aborted) return false;
        await this.options.clock.sleep(retryDelayMs(attempt), this.signal);
      }
    }
  }

  private finish(raw: RawMessage): void {
    this.finished.push(raw);
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

  private reportConnectorError(phase: ConnectorPhase, thrown: unknown): void {
    const error = toError(thrown);
    this.options.logger.error(
      { ...this.ref, phase, error },
      `connector ${phase} failed: ${error.message}`,
    );
    this.options.events.emit("connector:error", { ...this.ref, phase, error });
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
