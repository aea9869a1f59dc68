import {
  checkQueueConfig,
  createConsoleLogger,
  createRomeways,
  type Logger,
  type Romeways,
  type RomewaysEmitter,
  type RomewaysEvents,
} from "@romeways/core";
import { FakeBroker } from "./fake-broker.js";
import type { FakeQueue } from "./fake-queue.js";
import { fakeConnectorFor, type HarnessAdapter, harnessAdapterOf } from "./harness-adapters.js";
import { type MessageOutcome, OutcomeRecorder } from "./outcomes.js";
import { Progress } from "./progress.js";
import { type PublishedMessage, PublishedMessages } from "./published-messages.js";
import {
  type DeadLetter,
  decodeDeadLetter,
  decodeSent,
  type Publishable,
  type SentMessage,
  toRawMessage,
} from "./sent-message.js";
import { VirtualClock } from "./virtual-clock.js";

export interface TestHarnessOptions {
  /** The time source of the app under test; default a new `VirtualClock` at 0. */
  clock?: VirtualClock;
  /** Default: silent. */
  logger?: Logger;
  /** How long `stop()` lets handlers finish. Default 5 000. */
  shutdownTimeoutMs?: number;
  /**
   * How the fake stands in for each connector (by connectorName): the raw fields its messages
   * carry. Default: the adapter of the connector's registered name (Kafka, Redis, PostgreSQL,
   * AMQP, NATS, SQS).
   */
  adapters?: Record<string, HarnessAdapter>;
  /** Real milliseconds `settled()` and `waitForOutcomes()` wait before failing with what is stuck. Default 10 000. */
  timeoutMs?: number;
}

export interface PublishOptions {
  /** Needed only when consumers on two connectors share the queue name. */
  connectorName?: string;
}

/** The user's app, running on fake connectors and a virtual clock. */
export interface TestHarness {
  /** The copy of the app that runs: same consumers and handlers, fake connectors. */
  readonly app: Romeways;
  /** The running app's lifecycle and message events. */
  readonly events: RomewaysEmitter;
  /** The app's clock: `advance(ms)` instead of waiting. */
  readonly clock: VirtualClock;
  /** Puts a message on a consumed queue, as a producer outside the app would. */
  publish(queueName: string, message: Publishable, options?: PublishOptions): void;
  /**
   * Resolves once every consumed queue is empty and nothing is in flight: every published
   * message, and every resend of it, has its final outcome. Advances the clock when the
   * poll loops wait on `frequency`.
   */
  settled(): Promise<void>;
  /** Resolves once `count` outcomes (of `queueName`) were recorded, without moving the clock. */
  waitForOutcomes(count: number, queueName?: string): Promise<MessageOutcome[]>;
  /** Outcomes so far, in the order they happened. */
  outcomes(queueName?: string): MessageOutcome[];
  /** What the app's connectors sent to `queueName`: resends and dead letters. */
  sent(queueName: string): SentMessage[];
  /** The messages core dead-lettered into `deadLetterQueue`. */
  deadLetters(deadLetterQueue: string): DeadLetter[];
  /** What the app published (`romeways.publish`, `romeways.producer(...)`), e.g. from handlers. */
  published(queueName?: string): PublishedMessage[];
  /** The fake broker standing in for the connector registered as `connectorName`. */
  broker(connectorName: string): FakeBroker;
  /** Stops the app (drains handlers) and stops recording. */
  stop(): Promise<void>;
  /** `await using harness = await createTestHarness(app)` stops it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

type ConsumedQueue = { connectorName: string; queueName: string; queue: FakeQueue };

/**
 * Builds a copy of `app` with the same queue consumers (names, configs, handlers) and a
 * `FakeConnector` in place of every registered connector (worker processes dropped), then
 * starts it. The user's registration code runs unchanged.
 */
export async function createTestHarness(
  app: Romeways,
  options: TestHarnessOptions = {},
): Promise<TestHarness> {
  // What start() checks, before any fake stands in: a Kafka queue without groupId fails here.
  for (const { queueName, config } of app.registrations.consumers) {
    const real = app.registrations.connectors.find((c) => c.connectorName === config.connectorName);
    if (real === undefined) continue;
    checkQueueConfig(real, queueName, config);
    const adapter = options.adapters?.[real.connectorName] ?? harnessAdapterOf(real.connector);
    if (real.connector.configSpec?.check === undefined)
      adapter?.check?.(real.config, config, queueName);
  }
  const clock = options.clock ?? new VirtualClock();
  const copy = createRomeways({
    clock,
    handleSignals: false,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    logger: options.logger ?? createConsoleLogger("silent"),
  });
  const brokers = new Map<string, FakeBroker>();
  for (const { connectorName, connector: real } of app.registrations.connectors) {
    const broker = new FakeBroker();
    brokers.set(connectorName, broker);
    const adapter = options.adapters?.[connectorName] ?? harnessAdapterOf(real);
    const connector = fakeConnectorFor(adapter, () => clock.epochNow());
    copy.connectorRegister({ connector, config: { connectorName, broker } });
  }
  for (const { queueName, config, handler } of app.registrations.consumers) {
    copy.queueConsumer(queueName, config, handler);
  }
  const harness = new RunningHarness(copy, clock, brokers, options.timeoutMs ?? 10_000);
  harness.recordPublishes(app);
  try {
    await copy.start();
  } catch (error) {
    harness.dispose();
    throw error;
  }
  return harness;
}

class RunningHarness implements TestHarness {
  private readonly progress = new Progress();
  private readonly recorder: OutcomeRecorder;
  private readonly consumed: ConsumedQueue[];
  private readonly connectorErrors: string[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private stopped = false;
  private readonly publishes = new PublishedMessages();

  constructor(
    readonly app: Romeways,
    readonly clock: VirtualClock,
    private readonly brokers: Map<string, FakeBroker>,
    private readonly timeoutMs: number,
  ) {
    this.recorder = new OutcomeRecorder(app.events, this.progress.bump);
    this.consumed = app.registrations.consumers.map(({ queueName, config }) => ({
      queueName,
      connectorName: config.connectorName,
      queue: this.broker(config.connectorName).queue(queueName),
    }));
    for (const broker of brokers.values())
      this.unsubscribers.push(broker.onChange(this.progress.bump));
    this.unsubscribers.push(clock.onSleep(this.progress.bump));
    const onConnectorError = (e: RomewaysEvents["connector:error"][0]) => {
      this.connectorErrors.push(`${e.queueName} (${e.phase}): ${e.error.message}`);
    };
    app.events.on("connector:error", onConnectorError);
    this.unsubscribers.push(() => app.events.off("connector:error", onConnectorError));
  }

  get events(): RomewaysEmitter {
    return this.app.events;
  }

  publish(queueName: string, message: Publishable, options: PublishOptions = {}): void {
    const matching = this.consumed.filter(
      (c) =>
        c.queueName === queueName &&
        (options.connectorName === undefined || c.connectorName === options.connectorName),
    );
    const [target] = matching;
    if (target === undefined) {
      const known = this.consumed.map((c) => `"${c.queueName}" (${c.connectorName})`).join(", ");
      throw new Error(
        `no consumer for queue "${queueName}" in this app; consumed: ${known || "none"}`,
      );
    }
    if (matching.length > 1) {
      throw new Error(
        `queue "${queueName}" is consumed on several connectors: publish(queueName, message, { connectorName })`,
      );
    }
    target.queue.publish(toRawMessage(message));
  }

  async settled(): Promise<void> {
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      this.assertRunning("settled");
      // Also ends endless work, e.g. a handler that always asks for a resend.
      if (performance.now() > deadline) throw new Error(this.describeStuck("settled()"));
      const seen = this.progress.current;
      // Let what just happened run on until it waits again, then judge a still picture.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.progress.current !== seen) continue;
      if (this.consumed.every((c) => c.queue.waiting.length === 0 && c.queue.inFlightCount === 0)) {
        return;
      }
      // No handler running, but sleeps pending: a poll loop waits on `frequency`, or a resent
      // message is held until its delay is over. Taken messages held that way are in flight
      // on the fake queue, yet no handler runs them.
      if (this.recorder.handling === 0 && this.clock.pendingSleeps > 0) {
        await this.clock.advanceToNext();
        continue;
      }
      await this.progress.after(seen, deadline, () => this.describeStuck("settled()"));
    }
  }

  async waitForOutcomes(count: number, queueName?: string): Promise<MessageOutcome[]> {
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const seen = this.progress.current;
      const outcomes = this.recorder.of(queueName);
      if (outcomes.length >= count) return outcomes;
      this.assertRunning("waitForOutcomes");
      await this.progress.after(seen, deadline, () =>
        this.describeStuck(`waitForOutcomes(${count}): ${outcomes.length} so far;`),
      );
    }
  }

  outcomes(queueName?: string): MessageOutcome[] {
    return this.recorder.of(queueName);
  }

  sent(queueName: string): SentMessage[] {
    return [...this.brokers.values()].flatMap((broker) => broker.sent(queueName).map(decodeSent));
  }

  deadLetters(deadLetterQueue: string): DeadLetter[] {
    return [...this.brokers.values()].flatMap((broker) =>
      broker.sent(deadLetterQueue).flatMap((raw) => decodeDeadLetter(raw) ?? []),
    );
  }

  /** Handlers publish through the user's app: their messages go to this copy's fakes. */
  recordPublishes(original: Romeways): void {
    this.unsubscribers.push(this.publishes.record(original, this.app));
  }

  published(queueName?: string): PublishedMessage[] {
    return this.publishes.of(queueName);
  }

  broker(connectorName: string): FakeBroker {
    const broker = this.brokers.get(connectorName);
    if (broker === undefined) {
      throw new Error(`no connector named "${connectorName}" in this app`);
    }
    return broker;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.app.stop();
    this.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.stopped) await this.stop();
  }

  dispose(): void {
    this.recorder.dispose();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  private assertRunning(method: string): void {
    if (this.stopped) throw new Error(`${method}() after stop(): the app no longer runs`);
  }

  private describeStuck(what: string): string {
    const queues = this.consumed
      .map(
        (c) =>
          `"${c.queueName}": ${c.queue.waiting.length} waiting, ${c.queue.inFlightCount} in flight`,
      )
      .join("; ");
    const errors =
      this.connectorErrors.length === 0
        ? ""
        : ` Connector errors: ${this.connectorErrors.slice(-5).join("; ")}.`;
    return `${what} still waiting after ${this.timeoutMs} ms: ${queues}; ${this.clock.pendingSleeps} sleeps pending at virtual time ${this.clock.now()} ms. A handler that never resolves, or one that waits on the virtual clock, keeps messages in flight.${errors}`;
  }
}
