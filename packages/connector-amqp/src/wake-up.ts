/**
 * The polls waiting for something to change (a delivery, a stop, a lost channel): each waits
 * until woken or until its signal aborts, and leaves no listener behind either way.
 */
export class WakeUp {
  private readonly waiters = new Set<() => void>();

  wait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  all(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/** One turn of the event loop: what the socket read so far is parsed meanwhile. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
