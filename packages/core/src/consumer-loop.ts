import { Acknowledgements } from "./acknowledgements.js";
import type { Clock } from "./clock.js";
import type { Connector, RawMessage } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import { RomewaysError, toError } from "./errors/index.js";
import type { ConnectorPhase, QueueRef, RomewaysEmitter } from "./events.js";
import { failedWith, type Handler, handlerOk, isThenable } from "./handler-call.js";
import { HeldMessages } from "./held-messages.js";
import type { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";
import { MessagePath } from "./message-path.js";
import type { HandlerResult } from "./outcome.js";
import { retryDelayMs } from "./outcome-settler.js";
import type { ResolvedQueueConfig } from "./queue-config.js";
import { keyLane, SlotScheduler } from "./slot-scheduler.js";

export type { Handler } from "./handler-call.js";

/** What the loop tells health; called directly, so that watching costs no promise per poll. */
export interface LoopProbe {
  pollStarted(): void;
  polled(count: number): void;
  pollFailed(error: unknown): void;
  acked(count: number): void;
}

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
  /** Told of every poll and acknowledgement, for `romeways.health()`. */
  probe?: LoopProbe | undefined;
  /** Tracing and metrics hooks (guarded); the handler comes already wrapped by them. */
  instrumentation?: Instrumentation | undefined;
}

/**
 * One queue's loop, top to bottom: pace → poll → hold what is not due → handle → outcome → ack.
 * Without `concurrency`/`ordering` it handles a chunk at a time, as Python romeways does; with them,
 * a `SlotScheduler` runs handlers while the loop keeps polling. A message is acknowledged only
 * once its outcome is final.
 */
export class ConsumerLoop {
  private readonly stopController = new AbortController();
  /** Read once: the getter of `AbortController.signal` costs on every message. */
  private readonly signal = this.stopController.signal;
  private readonly ref: QueueRef;
  /** Outcome final, not yet acknowledged. */
  private readonly acks: Acknowledgements;
  private running: Promise<void> | undefined;
  private readonly held: HeldMessages;
  private readonly scheduler: SlotScheduler | undefined;
  /** One message's way from the broker to its outcome. */
  private readonly path: MessagePath;

  constructor(private readonly options: ConsumerLoopOptions) {
    const { config, queueName } = options;
    this.ref = { connectorName: config.connectorName, queueName };
    this.acks = new Acknowledgements(
      options.connector,
      config.scheduling.concurrency !== undefined,
      (error) => this.reportConnectorError("ack", error),
      options.probe,
    );
    const { scheduling } = config;
    this.held = new HeldMessages(scheduling.maxHeldMessages);
    this.path = new MessagePath({
      ...options,
      ref: this.ref,
      signal: this.signal,
      acks: this.acks,
      epochNow: () => this.epochNow(),
    });
    if (scheduling.concurrency !== undefined) {
      const laneOf = scheduling.ordering === "key" ? keyLane : () => undefined;
      this.scheduler = new SlotScheduler(
        scheduling.concurrency,
        scheduling.concurrency + config.maxChunkSize,
        config.maxChunkSize,
        laneOf,
        (raw) => this.path.process(raw, performance.now()),
      );
    }
  }

  start(): void {
    this.running = this.supervise();
  }

  /** For `romeways.health()`: messages held until their resend delay is due. */
  get heldForDelay(): number {
    return this.held.size;
  }

  /**
   * Stops polling and waits for in-flight handlers until `deadline` resolves. Returns false
   * when handlers were still running then: their signals abort, what finished is
   * acknowledged, the rest is not.
   */
  async stop(deadline: Promise<void>): Promise<boolean> {
    this.stopController.abort();
    if (this.running === undefined) return true;
    const drained = await Promise.race([this.running.then(() => true), deadline.then(() => false)]);
    if (!drained) {
      const reason = new RomewaysError(
        "ROMEWAYS_STOP_DEADLINE",
        "stop() reached shutdownTimeoutMs",
      );
      this.path.abortWatched(reason);
      await this.acks.flush();
      this.acks.abandon();
    }
    return drained;
  }

  /** The loop must not die while the app runs: an unexpected error restarts it, reported. */
  private async supervise(): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await this.run();
        break;
      } catch (error) {
        if (this.signal.aborted) break;
        this.options.logger.error(
          { ...this.ref, error: toError(error) },
          "the poll loop failed unexpectedly; restarting it",
        );
        this.reportConnectorError("poll", error);
        await this.options.clock.sleep(retryDelayMs(failures), this.signal);
      }
    }
    await this.scheduler?.close();
    await this.acks.flush();
    this.path.close();
  }

  private async run(): Promise<void> {
    const { connector, config, clock, probe } = this.options;
    const frequencyMs = config.frequency * 1000;
    let lastPollStart: number | undefined;
    let pollFailures = 0;
    while (!this.signal.aborted) {
      if (lastPollStart !== undefined && frequencyMs > 0) {
        const wait = frequencyMs - (clock.now() - lastPollStart);
        if (wait > 0) await clock.sleep(wait, this.signal);
        if (this.signal.aborted) break;
      }
      if (this.scheduler !== undefined) {
        await this.scheduler.whenRoom();
        if (this.signal.aborted) break;
      }
      if (this.held.size > 0) {
        const due = this.held.takeDue(this.epochNow());
        if (due.length > 0) await this.dispatch(due, frequencyMs);
        if (this.held.full) {
          const dueMs = this.held.nextDueMs as number;
          await this.options.clock.sleep(dueMs - this.epochNow(), this.signal);
          continue;
        }
      }
      // At frequency 0 nothing depends on the time: reading it would only cost.
      if (frequencyMs > 0) lastPollStart = clock.now();
      const room = this.scheduler?.room ?? config.maxChunkSize;
      let chunk: RawMessage[];
      // Nothing held (nearly always): the poll waits on the stop signal alone, no clock read.
      const poll =
        this.held.size === 0
          ? undefined
          : this.held.pollSignal(this.signal, clock, this.epochNow());
      try {
        const signal = poll?.signal ?? this.signal;
        probe?.pollStarted();
        chunk = await connector.getMessages(Math.min(room, config.maxChunkSize), signal);
        probe?.polled(chunk.length);
        pollFailures = 0;
      } catch (error) {
        probe?.pollFailed(error);
        if (this.signal.aborted) break;
        this.reportConnectorError("poll", error);
        await clock.sleep(retryDelayMs(++pollFailures), this.signal);
        continue;
      } finally {
        poll?.done();
      }
      if (chunk.length === 0) continue;
      this.options.instrumentation?.received?.(chunk, this.ref);
      const due = this.held.admit(chunk, this.epochNowOnce);
      if (due.length > 0) await this.dispatch(due, frequencyMs);
    }
  }

  /** Hands messages to the scheduler, or handles them as one chunk and acknowledges them. */
  private async dispatch(chunk: RawMessage[], frequencyMs: number): Promise<void> {
    if (this.scheduler !== undefined) return this.scheduler.add(chunk);
    const { clock } = this.options;
    const handlingStart = frequencyMs > 0 ? clock.now() : 0;
    // Every handler of a concurrent chunk starts now. Reading the time costs about as much as
    // the rest of the loop's work on a message: in a sequential chunk, each handler is timed
    // only when a listener will be given its duration.
    const chunkStart = performance.now();
    if (this.options.config.sequential) await this.processInOrder(chunk, chunkStart);
    else await this.processAll(chunk, chunkStart);
    await this.acks.flush();
    if (frequencyMs > 0) {
      const handlingMs = clock.now() - handlingStart;
      if (handlingMs > frequencyMs) this.reportOverrun(handlingMs, frequencyMs);
    }
  }

  private async processInOrder(chunk: RawMessage[], chunkStart: number): Promise<void> {
    const { path } = this;
    const { timed } = path.listeners();
    for (const raw of chunk) {
      // Stopping: what was not started stays unacknowledged and is delivered again.
      if (this.signal.aborted) break;
      const message = path.receive(raw);
      if (message === undefined) continue;
      const started = timed ? performance.now() : chunkStart;
      const called = path.call(message);
      let result: HandlerResult;
      // A Promise first: what an async handler returns, and the cheapest to recognise.
      if (called instanceof Promise || isThenable(called)) {
        // Awaited inline: a `then` per message would cost a promise and two closures.
        try {
          await called;
          result = handlerOk;
        } catch (thrown) {
          result = failedWith(thrown);
        }
      } else {
        result = called;
      }
      const settling = path.conclude(message, result, started);
      if (settling !== undefined) await settling;
    }
  }

  /** Promise.all without its fixed cost, which is noticeable on small chunks. */
  private processAll(chunk: RawMessage[], started: number): Promise<void> {
    return new Promise((resolve) => {
      let pending = chunk.length;
      const settled = () => {
        if (--pending === 0) resolve();
      };
      for (const raw of chunk) {
        const outcome = this.path.process(raw, started);
        if (outcome === undefined) settled();
        else outcome.then(settled, settled);
      }
    });
  }

  private epochNow(): number {
    return this.options.clock.epochNow?.() ?? Date.now();
  }

  /** For `admit`, which reads the time only for a chunk that carries a not-before header. */
  private readonly epochNowOnce = () => this.epochNow();

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
