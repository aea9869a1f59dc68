import type { SqsRawMessage } from "./sqs-message.js";

/** One `ReceiveMessage` long poll: up to `max` messages, ended early by `signal`. */
export type Receive = (max: number, signal: AbortSignal) => Promise<SqsRawMessage[]>;

/**
 * Long polls that outlive an aborted `getMessages`. An HTTP long poll cannot be ended on the
 * server: a request abandoned by its client still takes the next message that arrives and
 * hides it for the visibility timeout, where nobody reads it. So when a poll's signal aborts,
 * the poll returns at once but its `ReceiveMessage` runs on, and what it brings is kept for the
 * next poll. Only `close()` (the connector's `stop()`) aborts the request itself, through the
 * SDK's abort signal.
 */
export class Receiver {
  private readonly ready: SqsRawMessage[] = [];
  private inFlight: Promise<void> | undefined;
  /** A receive's error that came while no poll was waiting: thrown by the next poll. */
  private failure: { error: unknown } | undefined;
  private readonly closing = new AbortController();

  constructor(private readonly receive: Receive) {}

  /** Up to `max` messages: what is ready, else the first ones the running or a new receive brings. */
  async take(max: number, signal: AbortSignal): Promise<SqsRawMessage[]> {
    while (!signal.aborted && !this.closing.signal.aborted) {
      if (this.ready.length > 0) return this.ready.splice(0, max);
      if (this.failure !== undefined) {
        const { error } = this.failure;
        this.failure = undefined;
        throw error;
      }
      this.inFlight ??= this.receiveInto(max);
      await untilSettledOrAborted(this.inFlight, signal);
    }
    return [];
  }

  /**
   * Aborts the running receive and resolves once it settled (at once: the SDK rejects an
   * aborted request without waiting for the server).
   */
  async close(): Promise<void> {
    this.closing.abort();
    await this.inFlight;
  }

  private async receiveInto(max: number): Promise<void> {
    try {
      this.ready.push(...(await this.receive(max, this.closing.signal)));
    } catch (error) {
      if (!this.closing.signal.aborted) this.failure = { error };
    } finally {
      this.inFlight = undefined;
    }
  }
}

/** Resolves when `promise` settles or `signal` aborts, whichever is first; leaves no listener behind. */
function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void promise.then(done, done);
  });
}
