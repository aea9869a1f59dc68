import { connect, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";

export interface LinkEvents {
  disconnected(cause: Error): void;
  reconnected(): void;
}

/**
 * One instance's connection to NATS. The client reconnects by itself (forever, every half
 * second, unless the user set otherwise); the link turns its status stream into the
 * connector's `connected` state, the context's disconnected/reconnected reports, and a wake-up
 * for polls that wait for the connection to come back.
 */
export class NatsLink {
  private connection: NatsConnection | undefined;
  private connecting: Promise<NatsConnection> | undefined;
  private up = false;
  private whyDown = "not connected yet";
  private waiters = new Set<() => void>();

  constructor(
    private readonly options: NodeConnectionOptions,
    private readonly events: LinkEvents,
  ) {}

  get connected(): boolean {
    return this.up;
  }

  get reason(): string | undefined {
    return this.up ? undefined : this.whyDown;
  }

  /** The connection, if open (connected or reconnecting). */
  get current(): NatsConnection | undefined {
    return this.connection;
  }

  /** Connects once; later calls share the connection. A failed first connect is not retried here. */
  open(): Promise<NatsConnection> {
    this.connecting ??= connect({
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      ...this.options,
    }).then(
      (nc) => {
        this.connection = nc;
        this.up = true;
        void this.watch(nc);
        return nc;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Resolves once connected again, when `signal` aborts, or on `wake()` / `close()`. */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.up || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Ends every wait of `whenConnected` (stop() must not wait for NATS to come back). */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Registers `listener` for the next disconnect; returns how to remove it. */
  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  private readonly disconnectListeners = new Set<() => void>();

  /** Closes the connection (without draining: held messages were handed back already). */
  async close(): Promise<void> {
    const nc = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    this.connecting = undefined;
    this.up = false;
    this.whyDown = "closed";
    this.wake();
    await nc?.close();
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.connection !== nc) return;
      if (status.type === "disconnect" || status.type === "reconnecting") {
        const first = this.up;
        this.up = false;
        if (status.type === "disconnect") this.whyDown = `lost the connection to ${status.server}`;
        if (first) for (const listener of [...this.disconnectListeners]) listener();
        this.events.disconnected(new Error(`${this.whyDown}; reconnecting`));
      } else if (status.type === "reconnect") {
        this.up = true;
        this.events.reconnected();
        this.wake();
      }
    }
  }
}
