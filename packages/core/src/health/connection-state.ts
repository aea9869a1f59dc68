/**
 * Whether one connector instance can reach its broker, as it told core through
 * `reportDisconnected` / `reportReconnected`. Health reads it for connectors without `health()`.
 */
export class ConnectionState {
  /** When the current outage began (clock ms), or undefined while connected. */
  private downSince: number | undefined;
  private lastCause: string | undefined;

  get connected(): boolean {
    return this.downSince === undefined;
  }

  /** The message of the error that began or last extended the outage. */
  get cause(): string | undefined {
    return this.lastCause;
  }

  /** Records a disconnection; true when it begins an outage (the call that must be loud). */
  disconnected(now: number, cause: string): boolean {
    this.lastCause = cause;
    if (this.downSince !== undefined) return false;
    this.downSince = now;
    return true;
  }

  /** Ends the outage; its length in ms, or undefined when there was none. */
  reconnected(now: number): number | undefined {
    const since = this.downSince;
    if (since === undefined) return undefined;
    this.downSince = undefined;
    this.lastCause = undefined;
    return Math.max(0, now - since);
  }
}
