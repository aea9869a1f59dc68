import { type ConnectorContext, createConsoleLogger } from "@romeways/core";

/**
 * Whether the consumer can reach the broker, from what kafkajs shows: a failed connect or
 * heartbeat, a crash on a connection error (lost); a fetch answered, a heartbeat answered, a
 * group joined (back). The context turns the first loss of an outage into `connector:error`
 * and one warn line, and the way back into `connector:reconnected` and one info line.
 */
// A broker in its controlled shutdown refuses connections and then answers one more fetch: an
// answer counts as the way back only once no new failure followed it for this long.
const recoveryMs = 1_000;

export class ConnectionWatch {
  private down = false;
  private recovering: ReturnType<typeof setTimeout> | undefined;
  private cause = "";
  /** Before start() joined and after stop(): a connection error is start's or stop's to report. */
  private watching = false;

  /** @param brokers how the error names the brokers, e.g. "127.0.0.1:9092" */
  constructor(
    private readonly context: ConnectorContext,
    private readonly brokers: string,
  ) {}

  get connected(): boolean {
    return !this.down;
  }

  /** Why not connected, one line; "" when connected. */
  get reason(): string {
    return this.down ? `the broker cannot be reached: ${this.cause}` : "";
  }

  watch(on: boolean): void {
    this.watching = on;
    if (on) return;
    this.down = false;
    clearTimeout(this.recovering);
    this.recovering = undefined;
  }

  lost(cause: unknown): void {
    if (this.recovering !== undefined) {
      // The same outage: the answer in between was not the way back.
      clearTimeout(this.recovering);
      this.recovering = undefined;
    }
    // Once per outage: kafkajs's retries repeat the cause at debug in its own lines.
    if (!this.watching || this.down) return;
    this.down = true;
    this.cause = cause instanceof Error ? cause.message : String(cause);
    this.context.reportDisconnected(
      new Error(`cannot reach the Kafka broker (${this.brokers}): ${this.cause}`, { cause }),
    );
  }

  /** Cheap when connected: called for every fetch. */
  reachable(): void {
    if (!this.down || this.recovering !== undefined) return;
    this.recovering = setTimeout(() => {
      this.recovering = undefined;
      this.down = false;
      this.context.reportReconnected();
    }, recoveryMs);
    this.recovering.unref();
  }
}

/** The context of an instance built outside an app (tests, scripts): the console at warn. */
export function standaloneContext(connectorName: string, queueName: string): ConnectorContext {
  const logger = createConsoleLogger("warn");
  const ref = { connectorName, queueName };
  return {
    connectorName,
    queueName,
    logger,
    reportError: (error) => logger.error({ ...ref, error }, String(error)),
    reportDisconnected: (error) => logger.warn({ ...ref, error }, String(error)),
    reportReconnected: () => logger.info(ref, "reconnected"),
  };
}
