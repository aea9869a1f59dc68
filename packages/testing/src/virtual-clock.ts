import type { Clock } from "@romeways/core";

type Sleeper = { wakeAt: number; order: number; wake: () => void };

/** Lets the promises woken by a timer run before the next timer fires. */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A `Clock` whose time moves only when a test says so: `frequency` pacing and retry delays
 * of the poll loops then take no real time.
 */
export class VirtualClock implements Clock {
  private current = 0;
  /** Epoch milliseconds at virtual time 0: the real time the clock was made. */
  private readonly epochOrigin = Date.now();
  private sleepers: Sleeper[] = [];
  private sleepsSoFar = 0;
  private readonly sleepListeners = new Set<() => void>();

  /** Virtual milliseconds since the clock was created. */
  now(): number {
    return this.current;
  }

  /** The epoch time the virtual clock shows: resend delays and deadlines follow `advance()`. */
  epochNow(): number {
    return this.epochOrigin + this.current;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        wakeAt: this.current + ms,
        order: this.sleepsSoFar++,
        wake: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
      for (const listener of this.sleepListeners) listener();
    });
  }

  /** Sleeps not over yet. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Virtual time at which the earliest pending sleep ends. */
  get nextWakeAt(): number | undefined {
    return this.sleepers[0]?.wakeAt;
  }

  /**
   * Moves time forward by `ms`, ending due sleeps in time order and letting the code they
   * wake run (until it waits again) before the next one ends.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance() takes milliseconds >= 0, got ${ms}`);
    }
    const target = this.current + ms;
    for (;;) {
      const next = this.sleepers[0];
      if (next === undefined || next.wakeAt > target) break;
      await this.wakeFirst();
    }
    this.current = target;
    await nextMacrotask();
  }

  /** Jumps to the end of the earliest pending sleep and ends it; false when none is pending. */
  async advanceToNext(): Promise<boolean> {
    if (this.sleepers.length === 0) return false;
    await this.wakeFirst();
    return true;
  }

  /** Ends pending sleeps one after the other, including those they start, up to `maxSleeps`. */
  async runAll(maxSleeps = 10_000): Promise<void> {
    for (let woken = 0; this.sleepers.length > 0; woken++) {
      if (woken >= maxSleeps) {
        throw new Error(
          `VirtualClock.runAll(): still sleeping after ${maxSleeps} sleeps; something sleeps in a loop`,
        );
      }
      await this.wakeFirst();
    }
  }

  /** Calls `listener` whenever a sleep starts. */
  onSleep(listener: () => void): () => void {
    this.sleepListeners.add(listener);
    return () => this.sleepListeners.delete(listener);
  }

  private async wakeFirst(): Promise<void> {
    const sleeper = this.sleepers.shift();
    if (sleeper === undefined) return;
    this.current = Math.max(this.current, sleeper.wakeAt);
    sleeper.wake();
    await nextMacrotask();
  }
}
