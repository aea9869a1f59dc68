/** Time as the poll loop sees it; `@romeways/testing` swaps in a virtual clock. */
export interface Clock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  /**
   * Milliseconds since the Unix epoch, for times that travel with messages (a resend's due
   * time). Default: `Date.now()`. A virtual clock gives its own, so delays follow it.
   */
  epochNow?(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  epochNow: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};
