import type { RedisStreamClient, StreamEntry } from "./redis-client.js";

// A wake that finds the read not yet blocked on the server tries again this often...
const unblockRetryMs = 5;
// ...and this many times, before it drops the connection instead.
const unblockAttempts = 40;

export interface ReadRequest {
  stream: string;
  group: string;
  consumer: string;
  count: number;
  blockMs: number;
}

/**
 * One `XREADGROUP ... BLOCK` of new entries on the poll's connection that can be ended at
 * once: `wake()` sends `CLIENT UNBLOCK` from the other connection, so the read returns as if
 * it timed out and nothing stays blocked on the server to swallow the next entry.
 */
export class BlockingRead {
  readonly entries: Promise<StreamEntry[]>;
  private settled = false;
  private readonly done: Promise<unknown>;

  constructor(
    private readonly reader: RedisStreamClient,
    private readonly unblocker: RedisStreamClient | undefined,
    { stream, group, consumer, count, blockMs }: ReadRequest,
  ) {
    this.entries = reader.readGroup(stream, group, consumer, count, ">", blockMs);
    const settle = () => {
      this.settled = true;
    };
    this.done = this.entries.then(settle, settle);
  }

  /** Ends the read if it still waits; resolves once it returned (or failed). */
  async wake(): Promise<void> {
    // Retried: the read may not have reached the server yet, and would then block there.
    for (let attempt = 0; attempt < unblockAttempts && !this.settled; attempt++) {
      const id = await this.reader.blockingClientId();
      const unblocked =
        id !== undefined && (await this.unblocker?.unblock(id).catch(() => false)) === true;
      if (unblocked) {
        await this.done;
        return;
      }
      await Promise.race([
        this.done,
        new Promise((resolve) => setTimeout(resolve, unblockRetryMs)),
      ]);
    }
    if (this.settled) return;
    // No UNBLOCK got through: a closed connection ends the read on the server too.
    const reconnected = this.reader.reconnect();
    await this.done;
    await reconnected;
  }
}
