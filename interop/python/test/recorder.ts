/** Items in arrival order, and promises that settle when an item (or a set of them) arrives. */
export class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();
  private failure: Error | undefined;

  push(item: T): void {
    this.items.push(item);
    for (const check of [...this.waiters]) check();
  }

  /** Makes every pending and later wait fail (the producer of items is gone). */
  fail(error: Error): void {
    this.failure ??= error;
    for (const check of [...this.waiters]) check();
  }

  /** Resolves with the items once `done(items)` holds; rejects on timeout or `fail`. */
  until(what: string, done: (items: readonly T[]) => boolean, timeoutMs = 30_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting until ${what}`));
      }, timeoutMs);
      const check = () => {
        const finished = done(this.items);
        if (!finished && this.failure === undefined) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        if (finished) resolve([...this.items]);
        else reject(new Error(`waiting until ${what}: ${this.failure?.message}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first item matching `match`, once it arrives. */
  async first(what: string, match: (item: T) => boolean, timeoutMs?: number): Promise<T> {
    const items = await this.until(what, (all) => all.some(match), timeoutMs);
    return items.find(match) as T;
  }
}
