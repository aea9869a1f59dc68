import type { Clock } from "./clock.js";
import type { RawMessage } from "./connector.js";
import { romewaysHeaders } from "./message-headers.js";

/**
 * Resent messages taken from the broker before they are due (`x-romeways-not-before`), held
 * in memory without a handler slot until then. They are taken, not acknowledged: a crash or a
 * stop leaves them to be delivered again, so holding loses nothing.
 */
export class HeldMessages {
  /** Sorted by due time, then arrival. */
  private held: { raw: RawMessage; dueMs: number }[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.held.length;
  }

  get full(): boolean {
    return this.held.length >= this.capacity;
  }

  /** Epoch milliseconds at which the earliest held message comes due. */
  get nextDueMs(): number | undefined {
    return this.held[0]?.dueMs;
  }

  /**
   * Splits a chunk into the messages to handle now and those to hold; holds them.
   * Most chunks hold nothing and come back as they are; `now` is read only if one may.
   */
  admit(chunk: RawMessage[], now: () => number): RawMessage[] {
    let due: RawMessage[] | undefined;
    let nowMs: number | undefined;
    for (let index = 0; index < chunk.length; index++) {
      const raw = chunk[index] as RawMessage;
      const dueMs = notBeforeOf(raw);
      if (dueMs !== undefined) nowMs ??= now();
      if (dueMs === undefined || dueMs <= (nowMs as number)) {
        due?.push(raw);
        continue;
      }
      due ??= chunk.slice(0, index);
      this.insert(raw, dueMs);
    }
    return due ?? chunk;
  }

  /** Removes and returns the messages due at `nowMs`, earliest first. */
  takeDue(nowMs: number): RawMessage[] {
    let count = 0;
    while (count < this.held.length && (this.held[count]?.dueMs ?? 0) <= nowMs) count++;
    if (count === 0) return [];
    return this.held.splice(0, count).map((entry) => entry.raw);
  }

  /**
   * The signal a poll waits on: `stop` itself while nothing is held, else one that also aborts
   * when the earliest held message comes due, so it is handled in time. Call `done()` after.
   */
  pollSignal(
    stop: AbortSignal,
    clock: Clock,
    nowMs: number,
  ): { signal: AbortSignal; done(): void } {
    const dueMs = this.nextDueMs;
    if (dueMs === undefined) return { signal: stop, done: ignore };
    const poll = new AbortController();
    const onStop = () => poll.abort();
    stop.addEventListener("abort", onStop, { once: true });
    clock.sleep(dueMs - nowMs, poll.signal).then(() => poll.abort());
    return {
      signal: poll.signal,
      done: () => {
        stop.removeEventListener("abort", onStop);
        poll.abort();
      },
    };
  }

  private insert(raw: RawMessage, dueMs: number): void {
    let at = this.held.length;
    while (at > 0 && (this.held[at - 1]?.dueMs ?? 0) > dueMs) at--;
    this.held.splice(at, 0, { raw, dueMs });
  }
}

const ignore = () => {};

/** The epoch milliseconds a resend is due at, if it carries a valid not-before header. */
export function notBeforeOf(raw: RawMessage): number | undefined {
  const headers = raw.headers;
  if (headers === undefined) return undefined;
  const value = headers[romewaysHeaders.notBefore];
  if (value === undefined) return undefined;
  const dueMs = Number(value);
  return Number.isFinite(dueMs) ? dueMs : undefined;
}
