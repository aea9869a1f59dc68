import type { RawMessage } from "@romeways/core";

/**
 * Messages taken and not acknowledged yet, in the order they were taken. Acknowledgements
 * mostly come in that order, and those cost no hashing: only one that overtakes an earlier
 * message is remembered in a set until the messages before it are acknowledged too.
 */
export class InFlight {
  // A deque as array + head index: dropping the acknowledged front stays O(1).
  private taken: RawMessage[] = [];
  private head = 0;
  private readonly ackedEarly = new Set<RawMessage>();

  add(messages: readonly RawMessage[]): void {
    for (const message of messages) this.taken.push(message);
  }

  ack(messages: readonly RawMessage[]): void {
    for (const message of messages) {
      if (this.head === this.taken.length) break; // nothing in flight: a stray ack
      if (this.taken[this.head] === message) this.head++;
      else this.ackedEarly.add(message);
    }
    while (this.head < this.taken.length && this.ackedEarly.size > 0) {
      if (!this.ackedEarly.delete(this.taken[this.head] as RawMessage)) break;
      this.head++;
    }
    if (this.head === this.taken.length) {
      this.taken = [];
      this.head = 0;
      this.ackedEarly.clear();
    } else if (this.head > 1024 && this.head * 2 > this.taken.length) {
      this.taken = this.taken.slice(this.head);
      this.head = 0;
    }
  }

  /** Every message not acknowledged, in the order taken; forgets them all. */
  drain(): RawMessage[] {
    const pending = this.taken.slice(this.head).filter((message) => !this.ackedEarly.has(message));
    this.taken = [];
    this.head = 0;
    this.ackedEarly.clear();
    return pending;
  }
}
