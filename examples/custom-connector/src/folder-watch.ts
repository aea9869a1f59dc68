import { type FSWatcher, watch } from "node:fs";

/**
 * Wakes waiting polls when files arrive in a folder. File-system events can be missed (network
 * file systems, a full inotify table), so a waiting poll also looks again every `rescanMs`.
 */
export class FolderWatch {
  private watcher: FSWatcher | undefined;
  private changes = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly rescanMs: number) {}

  /** Counts changes; a poll notes it before it looks, and waits for it to move. */
  get version(): number {
    return this.changes;
  }

  start(folder: string): void {
    this.watcher = watch(folder, () => this.wakeAll());
    // A watch that fails leaves the periodic rescan, which is enough.
    this.watcher.on("error", () => this.watcher?.close());
  }

  /** Resolves when the folder changed after `seen`, after `rescanMs`, on abort, or on close. */
  changedSince(seen: number, signal: AbortSignal): Promise<void> {
    if (this.changes !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.rescanMs);
      signal.addEventListener("abort", done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Stops watching and releases every waiting poll. */
  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.wakeAll();
  }

  private wakeAll(): void {
    this.changes++;
    for (const wake of [...this.waiters]) wake();
  }
}
