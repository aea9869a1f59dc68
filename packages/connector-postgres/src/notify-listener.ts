import pg from "pg";
import { quoteIdentifier } from "./queue-table.js";

const firstRetryMs = 100;
const lastRetryMs = 5_000;

/**
 * A connection of its own that `LISTEN`s on the table's channel and counts the notifications of
 * each queue (a notification's payload is its queue's name). A poll notes `version(queue)`
 * before it looks at the table and waits for it to change, so a row inserted between the look
 * and the wait is never missed. A dropped connection is reported and reopened with backoff;
 * meanwhile `listening` is false and polls fall back to looking every `pollIntervalMs`.
 */
export class NotifyListener {
  listening = false;
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = firstRetryMs;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly poolConfig: pg.PoolConfig,
    private readonly channel: string,
    private readonly reportError: (error: unknown) => void,
  ) {}

  /** Connects and listens; rejects if the first connection fails (and keeps trying meanwhile). */
  async start(): Promise<void> {
    this.closed = false;
    try {
      await this.connect();
    } catch (error) {
      this.scheduleReconnect();
      throw error;
    }
  }

  version(queue: string): number {
    return this.versions.get(queue) ?? 0;
  }

  /**
   * Resolves when `queue`'s version differs from `seen`, after `timeoutMs`, when a signal
   * aborts, or when the listener closes: the caller looks at the table again but on an abort.
   */
  changedSince(
    queue: string,
    seen: number,
    signals: readonly AbortSignal[],
    timeoutMs: number,
  ): Promise<void> {
    if (this.version(queue) !== seen || this.closed || signals.some((s) => s.aborted)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let waiting = this.waiters.get(queue);
      if (waiting === undefined) {
        waiting = new Set();
        this.waiters.set(queue, waiting);
      }
      const queueWaiters = waiting;
      const done = () => {
        clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener("abort", done);
        queueWaiters.delete(done);
        if (queueWaiters.size === 0) this.waiters.delete(queue);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const signal of signals) signal.addEventListener("abort", done, { once: true });
      queueWaiters.add(done);
    });
  }

  /** Wakes the polls waiting on `queue` (a notification, a local release). */
  wake(queue: string): void {
    this.versions.set(queue, this.version(queue) + 1);
    for (const waiter of [...(this.waiters.get(queue) ?? [])]) waiter();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.wakeAll();
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  private wakeAll(): void {
    for (const queue of [...this.waiters.keys()]) this.wake(queue);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.poolConfig);
    client.on("notification", (notification) => {
      if (notification.channel === this.channel && notification.payload !== undefined) {
        this.wake(notification.payload);
      }
    });
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, new Error("the LISTEN connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.listening = true;
    this.retryMs = firstRetryMs;
    // Rows may have arrived while nobody listened: every waiting poll looks again.
    this.wakeAll();
  }

  private dropped(client: pg.Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => {});
    this.reportError(
      new Error(
        `the LISTEN connection of channel "${this.channel}" dropped (${error.message}); polling until it is back`,
        { cause: error },
      ),
    );
    this.wakeAll();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.reportError(error);
        this.retryMs = Math.min(this.retryMs * 2, lastRetryMs);
        this.scheduleReconnect();
      });
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
