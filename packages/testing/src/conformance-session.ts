import type { Connector, ConnectorContext, Logger, RawMessage } from "@romeways/core";
import type { ConnectorConformanceOptions } from "./conformance.js";
import { bodyText, bytes, describeBodies } from "./message-bytes.js";
import { uniqueQueueName } from "./queue-names.js";

/** How long a poll may take to return after its signal aborts, and still be "at once". */
export const promptMs = 500;

/**
 * How long a poll waits before the suite aborts it in the "real wait" tests: long enough for a
 * networked connector to have sent its blocking call (XREADGROUP BLOCK, a fetch, LISTEN).
 */
export const realWaitMs = 400;

export interface TakeOptions {
  maxChunkSize?: number;
  /** Acknowledge each chunk before the next poll, as core does. Default true. */
  ack?: boolean;
  onChunk?: (chunk: RawMessage[]) => void;
  /** Added to the failure message: what the shortfall most likely means. */
  hint?: string;
}

/** What a session needs of the suite's options. */
type SessionOptions<C extends Connector> = Pick<
  ConnectorConformanceOptions<C>,
  "connector" | "createQueue" | "removeQueue" | "crash"
>;

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One conformance test's world: its queues, connector instances and apps, all cleaned up when
 * the test ends. Polls acknowledge each chunk before the next one, as core's poll loop does, so
 * a connector that holds back the next batch until the last one is acknowledged passes.
 */
export class ConformanceSession<C extends Connector = Connector> {
  /** Errors the test's instances reported through their context's `reportError`. */
  readonly reported: { queueName: string; error: unknown }[] = [];
  private readonly queues: string[] = [];
  private readonly instances = new Set<C>();
  private readonly cleanups: (() => unknown)[] = [];

  constructor(
    private readonly options: SessionOptions<C>,
    /** Real milliseconds a take may wait before the test fails with what it got. */
    readonly waitMs: number,
  ) {}

  async newQueue(): Promise<string> {
    const queueName =
      (await this.options.createQueue?.()) ?? uniqueQueueName("romeways-conformance");
    this.queues.push(queueName);
    return queueName;
  }

  /** The context the suite gives an instance: a silent logger, and `reportError` recorded. */
  context(queueName: string): ConnectorContext {
    return {
      connectorName: "conformance",
      queueName,
      logger: silentLogger,
      reportError: (error) => this.reported.push({ queueName, error }),
      reportDisconnected: () => {},
      reportReconnected: () => {},
    };
  }

  /** A new instance built by the author's factory, not tracked for cleanup (an app stops it). */
  build(queueName: string, context: ConnectorContext = this.context(queueName)): Promise<C> {
    return Promise.resolve(this.options.connector(queueName, context));
  }

  /** A started instance on `queueName`. */
  async consumer(queueName: string): Promise<C> {
    const connector = await this.producer(queueName);
    await within(connector.start(), this.waitMs, "start() did not resolve");
    return connector;
  }

  /** An instance that is never started, as core's dead-letter instances are. */
  async producer(queueName: string): Promise<C> {
    const connector = await this.build(queueName);
    this.instances.add(connector);
    return connector;
  }

  async stop(connector: C): Promise<void> {
    this.instances.delete(connector);
    await within(connector.stop(), this.waitMs, "stop() did not resolve");
  }

  /** Ends an instance as a crashed process would (see the `crash` option); its stop() still runs at cleanup. */
  async crash(connector: C): Promise<void> {
    if (this.options.crash === undefined) return;
    this.instances.delete(connector);
    await this.options.crash(connector);
  }

  /** Runs `cleanup` when the test ends, before the instances stop (an app, a child process). */
  onClose(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  async send(connector: Connector, ...bodies: (string | RawMessage)[]): Promise<void> {
    for (const body of bodies) {
      await connector.sendMessage(typeof body === "string" ? { body: bytes(body) } : body);
    }
  }

  /** Polls until `count` messages came; fails, naming what came, when they do not. */
  async take(
    connector: Connector,
    count: number,
    options: TakeOptions = {},
  ): Promise<RawMessage[]> {
    const taken: RawMessage[] = [];
    await this.poll(
      connector,
      options,
      (chunk) => {
        taken.push(...chunk);
        return taken.length >= count;
      },
      () => `took ${taken.length} of ${count} messages (${describeBodies(taken)})`,
    );
    return taken;
  }

  /** Polls until a message with body `last` came; returns every body taken, in order. */
  async takeUntil(
    connector: Connector,
    last: string,
    options: TakeOptions = {},
  ): Promise<string[]> {
    const taken: string[] = [];
    await this.poll(
      connector,
      options,
      (chunk) => {
        taken.push(...chunk.map(bodyText));
        return taken.includes(last);
      },
      () => `"${last}" did not come; took ${JSON.stringify(taken)}`,
    );
    return taken;
  }

  /** `error`, with the errors the connector reported through its context, which may explain it. */
  explain(error: unknown): unknown {
    if (this.reported.length === 0 || !(error instanceof Error)) return error;
    const reports = this.reported
      .slice(0, 5)
      .map(
        ({ queueName, error: e }) => `${queueName}: ${e instanceof Error ? e.message : String(e)}`,
      );
    error.message += `\nthe connector reported in the background: ${reports.join("; ")}`;
    return error;
  }

  /** Ends the test's apps and processes, stops every instance left running, removes the queues. */
  async close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => {});
    }
    const instances = [...this.instances];
    this.instances.clear();
    await Promise.allSettled(instances.map((connector) => connector.stop()));
    for (const queueName of this.queues) await this.options.removeQueue?.(queueName);
  }

  private async poll(
    connector: Connector,
    options: TakeOptions,
    isDone: (chunk: RawMessage[]) => boolean,
    describeShortfall: () => string,
  ): Promise<void> {
    const { maxChunkSize = 100, ack = true } = options;
    const signal = AbortSignal.timeout(this.waitMs);
    for (;;) {
      const chunk = await connector.getMessages(maxChunkSize, signal);
      options.onChunk?.(chunk);
      if (ack && chunk.length > 0) await connector.ack(chunk);
      if (isDone(chunk)) return;
      if (signal.aborted) {
        const hint = options.hint === undefined ? "" : `: ${options.hint}`;
        throw new Error(`within ${this.waitMs} ms ${describeShortfall()}${hint}`);
      }
    }
  }
}

/** `promise`, or a rejection with `message` when it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when `promise` is still pending after the event loop turned a few times. */
export async function stillPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

/** True when `promise` is still pending after `ms` real milliseconds. */
export async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  // No event says "the connector's blocking call reached the broker": only time does.
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !settled;
}
