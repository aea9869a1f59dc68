import type { ConnectorContext } from "@romeways/core";

const firstDelayMs = 100;
const maxDelayMs = 5_000;

/**
 * Subscribes again after the connection or the consuming channel was lost, with backoff
 * (100 ms doubling to 5 s), and tells core: `reportDisconnected` on the loss and on each failed
 * attempt (core emits `connector:error` once per outage), `reportReconnected` when consuming again.
 */
export class Reconnection {
  private attempt: Promise<void> | undefined;
  private stopping = new AbortController();
  private down: string | undefined;
  /** Without reportDisconnected (an older core): the first error of an outage goes to reportError. */
  private reportedThisOutage = false;

  constructor(
    private readonly subscribe: () => Promise<void>,
    private readonly context: Partial<ConnectorContext> | undefined,
    private readonly onLost: (cause: Error) => void,
  ) {}

  /** Started (again): losses from now on are reconnected. */
  running(): void {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
  }

  isDown(): boolean {
    return this.down !== undefined;
  }

  reason(): string | undefined {
    return this.down;
  }

  lost(cause: Error): void {
    this.report(cause);
    this.onLost(cause);
    this.attempt ??= this.reconnect().finally(() => {
      this.attempt = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.attempt?.catch(() => {});
  }

  private async reconnect(): Promise<void> {
    const { signal } = this.stopping;
    for (let delay = firstDelayMs; !signal.aborted; delay = Math.min(delay * 2, maxDelayMs)) {
      await abortableDelay(delay, signal);
      if (signal.aborted) return;
      try {
        await this.subscribe();
      } catch (error) {
        this.report(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      this.down = undefined;
      this.reportedThisOutage = false;
      this.context?.reportReconnected?.();
      return;
    }
  }

  private report(cause: Error): void {
    this.down = cause.message;
    if (this.context?.reportDisconnected !== undefined) this.context.reportDisconnected(cause);
    else if (!this.reportedThisOutage) this.context?.reportError?.(cause);
    this.reportedThisOutage = true;
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
