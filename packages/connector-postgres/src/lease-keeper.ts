/**
 * The leases this instance handed out and that are not acknowledged yet, renewed every third
 * of the visibility timeout while handlers run: a slow handler keeps its message, and a
 * process that dies stops renewing, so its messages come back one timeout later.
 */
export class LeaseKeeper {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly visibilityTimeoutMs: number,
    private readonly renew: (ids: string[]) => Promise<void>,
    private readonly reportError: (error: unknown) => void,
  ) {}

  get ids(): string[] {
    return [...this.held];
  }

  hold(ids: readonly string[]): void {
    for (const id of ids) this.held.add(id);
    this.timer ??= setInterval(() => this.renewNow(), Math.floor(this.visibilityTimeoutMs / 3));
    // Handlers keep the process alive while they run, not this timer.
    this.timer.unref();
  }

  forget(ids: readonly string[]): void {
    for (const id of ids) this.held.delete(id);
    if (this.held.size === 0) this.pause();
  }

  /** Stops renewing; resolves once a renewal under way has finished. */
  async close(): Promise<void> {
    this.pause();
    await this.renewing;
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewNow(): void {
    // A renewal slower than the interval is not doubled up.
    if (this.renewing !== undefined || this.held.size === 0) return;
    this.renewing = this.renew(this.ids)
      .catch((error: unknown) => {
        this.reportError(
          new Error(
            `renewing the leases of ${this.held.size} messages failed: ${messageOf(error)}`,
            { cause: error },
          ),
        );
      })
      .finally(() => {
        this.renewing = undefined;
      });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
