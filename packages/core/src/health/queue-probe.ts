import type { Clock } from "../clock.js";
import { toError } from "../errors/index.js";
import type { ConnectorPhase } from "../events.js";
import type { OutcomeName } from "../outcome.js";

/**
 * What health knows of one queue's loop, told by the loop itself (a few field writes per poll
 * and per ack, nothing per message) and, once health is in use, by its outcome events.
 */
export class QueueProbe {
  /** Taken by polls and not acknowledged yet. */
  taken = 0;
  polling = false;
  pollFailures = 0;
  lastPollAt: number | undefined;
  /** Clock time of the last sign of progress: a poll returned, an ack, an outcome. */
  lastProgress: number;
  lastOutcome: { outcome: OutcomeName; at: number } | undefined;
  lastError: { message: string; phase: ConnectorPhase | "handler"; at: number } | undefined;

  constructor(private readonly clock: Pick<Clock, "now">) {
    this.lastProgress = clock.now();
  }

  /**
   * Times are kept from the first `health()` read on: before it, a poll and an ack cost only a
   * few field writes, no clock read (two reads per poll were a few % of a no-op message).
   */
  private timed = false;
  /** Polls that returned, so the first read knows whether there was one. */
  private polls = 0;

  /** `health()` reads this probe: keep times from now on; what came before counts as now. */
  startTiming(): void {
    if (this.timed) return;
    this.timed = true;
    this.progressed();
    // Polls before the first read were not timed: the last of them was at the latest now.
    if (this.polls > 0) this.lastPollAt = Date.now();
  }

  progressed(): void {
    this.lastProgress = this.clock.now();
  }

  outcome(outcome: OutcomeName, error: Error | undefined): void {
    this.progressed();
    const at = Date.now();
    this.lastOutcome = { outcome, at };
    if (error !== undefined) this.lastError = { message: error.message, phase: "handler", at };
  }

  error(phase: ConnectorPhase, error: Error): void {
    this.lastError = { message: error.message, phase, at: Date.now() };
  }

  /** The loop starts a poll. The loop calls these directly: no wrapper, no promise per call. */
  pollStarted(): void {
    this.polling = true;
  }

  /** A poll returned `count` messages. */
  polled(count: number): void {
    this.polling = false;
    this.pollFailures = 0;
    this.taken += count;
    this.polls++;
    if (!this.timed) return;
    this.lastPollAt = Date.now();
    this.progressed();
  }

  pollFailed(error: unknown): void {
    this.polling = false;
    this.pollFailures++;
    this.error("poll", toError(error));
  }

  /** The connector acknowledged `count` messages. */
  acked(count: number): void {
    this.taken = Math.max(0, this.taken - count);
    if (this.timed) this.progressed();
  }
}
