import pg from "pg";
import { quoteIdentifier } from "./queue-table.js";

const firstRetryMs = 100;
const lastRetryMs = 5_000;

/**
 * A connection of its own that `LISTEN`s on the table's channel and counts the notifications
 * for one queue. A poll notes `version` before it looks at the table and waits for it to change,
 * so a row inserted between the look and the wait is never missed. A dropped connection is
 * reported and reopened with backoff; meanwhile `listening` is false and polls fall back to
 * looking every `pollIntervalMs`.
 */
export class NotifyListener {
  version = 0;
  listening = false;
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = firstRetryMs;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly poolConfig: pg.PoolConfig,
    private readonly channel: string,
    private readonly queueName: string,
    private readonly reportError: (error: unknown) => void,
  ) {}

  /** Connects and listens; rejects if the first connection fails. */
  async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  /**
   * Resolves when `version` differs from `seen`, after `timeoutMs`, when `signal` aborts, or
   * when the listener closes: the caller looks at the table again in every case but the abort.
   */
  changedSince(seen: number, signal: AbortSignal, timeoutMs: number): Promise<void> {
    if (this.version !== seen || signal.aborted || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Wakes every waiting poll (a local release, a stop). */
  wake(): void {
    this.version++;
    for (const waiter of [...this.waiters]) waiter();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.wake();
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.poolConfig);
    client.on("notification", (notification) => {
      if (notification.channel === this.channel && notification.payload === this.queueName)
        this.wake();
    });
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, new Error("the LISTEN connection ended")));
    await client.connect();
    try {
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
    this.wake();
  }

  private dropped(client: pg.Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => {});
    this.reportError(
      new Error(
        `the LISTEN connection of queue "${this.queueName}" dropped (${error.message}); polling until it is back`,
        {
          cause: error,
        },
      ),
    );
    this.wake();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
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
