/**
 * A counter of "something happened" (a message queued, taken or acknowledged, an outcome, a
 * sleep) that a waiter can await instead of polling on a timer.
 */
export class Progress {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  readonly bump = (): void => {
    this.version++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  };

  /**
   * Resolves once anything happened after `seen`; rejects with `describeStuck()` when nothing
   * did before `deadline` (a `performance.now()` time).
   */
  after(seen: number, deadline: number, describeStuck: () => string): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          this.waiters.delete(wake);
          reject(new Error(describeStuck()));
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiters.add(wake);
    });
  }
}
