import type { Connector, RawMessage } from "./connector.js";

/**
 * The messages of one loop whose outcome is final and that the connector has not been told
 * of yet. A chunk is acknowledged at its end; with a scheduler, outcomes come one by one and
 * are acknowledged together as soon as the ones of the moment are in.
 */
export class Acknowledgements {
  private finished: RawMessage[] = [];
  private flushing: Promise<void> | undefined;
  private abandoned = false;

  constructor(
    private readonly connector: Connector,
    /** Acknowledge soon after each outcome, instead of when the loop says so. */
    private readonly eager: boolean,
    private readonly onError: (error: unknown) => void,
    /** Told how many were acknowledged, for health. */
    private readonly probe?: { acked(count: number): void } | undefined,
  ) {}

  finish(raw: RawMessage): void {
    // Abandoned at the stop deadline: nothing is acknowledged any more.
    if (this.abandoned) return;
    this.finished.push(raw);
    if (this.eager && this.flushing === undefined) {
      this.flushing = Promise.resolve().then(() => this.flush());
    }
  }

  /** Tells the connector of everything finished so far, including what finishes meanwhile. */
  async flush(): Promise<void> {
    while (this.finished.length > 0 && !this.abandoned) {
      const done = this.finished;
      this.finished = [];
      try {
        await this.connector.ack(done);
        this.probe?.acked(done.length);
      } catch (error) {
        this.onError(error);
      }
    }
    this.flushing = undefined;
  }

  /** Handlers that finish from now on are not acknowledged: the connector is about to stop. */
  abandon(): void {
    this.abandoned = true;
  }
}
