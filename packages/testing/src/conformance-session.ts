import { randomUUID } from "node:crypto";
import type { Connector, RawMessage } from "@romeways/core";
import type { ConnectorConformanceOptions } from "./conformance.js";

/** How long a poll may take to return after its signal aborts, and still be "at once". */
export const promptMs = 500;

export interface TakeOptions {
  maxChunkSize?: number;
  /** Acknowledge each chunk before the next poll, as core does. Default true. */
  ack?: boolean;
  onChunk?: (chunk: RawMessage[]) => void;
}

/**
 * One conformance test's world: its queues and connector instances, all cleaned up when the
 * test ends. Polls acknowledge each chunk before the next one, as core's poll loop does, so a
 * connector that holds back the next batch until the last one is acknowledged passes.
 */
export class ConformanceSession {
  private readonly queues: string[] = [];
  private readonly instances = new Set<Connector>();

  constructor(
    private readonly options: ConnectorConformanceOptions,
    /** Real milliseconds a take may wait before the test fails with what it got. */
    readonly waitMs: number,
  ) {}

  async newQueue(): Promise<string> {
    const queueName =
      (await this.options.createQueue?.()) ?? `romeways-conformance-${randomUUID().slice(0, 8)}`;
    this.queues.push(queueName);
    return queueName;
  }

  /** A started instance on `queueName`. */
  async consumer(queueName: string): Promise<Connector> {
    const connector = await this.producer(queueName);
    await connector.start();
    return connector;
  }

  /** An instance that is never started, as core's dead-letter instances are. */
  async producer(queueName: string): Promise<Connector> {
    const connector = await this.options.connector(queueName);
    this.instances.add(connector);
    return connector;
  }

  async stop(connector: Connector): Promise<void> {
    this.instances.delete(connector);
    await within(connector.stop(), this.waitMs, "stop() did not resolve");
  }

  /** Ends an instance as a crashed process would; its stop() still runs at cleanup. */
  async crash(connector: Connector): Promise<void> {
    if (this.options.crash === undefined) return;
    this.instances.delete(connector);
    await this.options.crash(connector);
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
      () => `took ${taken.length} of ${count} messages (${describe(taken)})`,
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
        taken.push(...chunk.map(text));
        return taken.includes(last);
      },
      () => `"${last}" did not come; took ${JSON.stringify(taken)}`,
    );
    return taken;
  }

  /** Stops every instance the test left running and removes its queues. */
  async close(): Promise<void> {
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
      if (signal.aborted) throw new Error(`within ${this.waitMs} ms ${describeShortfall()}`);
    }
  }
}

const textEncoder = new TextEncoder();
export const bytes = (value: string): Uint8Array => textEncoder.encode(value);
export const text = (message: RawMessage): string =>
  message.body === null ? "<null body>" : Buffer.from(message.body).toString("utf8");
const describe = (messages: RawMessage[]) =>
  JSON.stringify(messages.slice(0, 20).map(text)) + (messages.length > 20 ? "…" : "");

/** Same bytes, whatever the container (Uint8Array, Buffer, a text key). */
export function sameBytes(
  actual: Uint8Array | string | null | undefined,
  expected: Uint8Array,
): boolean {
  if (actual === null || actual === undefined) return false;
  return Buffer.from(typeof actual === "string" ? bytes(actual) : actual).equals(expected);
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
