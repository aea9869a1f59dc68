// The only file that talks to ioredis: the commands of Redis Streams this connector uses, with
// their RESP2 replies parsed into plain types.
import { Redis, type RedisOptions } from "ioredis";

/**
 * ioredis options passed on as they are (`host`, `port`, `password`, `tls`, `db`, `keyPrefix`,
 * `retryStrategy`, ...). The connector sets the ones its own logic depends on: it connects
 * when started, speaks RESP2, and its blocking connection fails fast instead of queueing.
 */
export type RedisClientOptions = Omit<
  RedisOptions,
  | "lazyConnect"
  | "protocol"
  | "replyMapping"
  | "enableOfflineQueue"
  | "autoResendUnfulfilledCommands"
>;

/** One stream entry; `fields` is null when the entry was trimmed away while still pending. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Buffer[] | null;
}

export interface AutoClaimed {
  /** Where the next scan of the group's pending entries goes on; "0-0" once a pass is done. */
  readonly next: string;
  readonly entries: StreamEntry[];
  /** Pending entries that were trimmed from the stream; Redis drops them from the group. */
  readonly deleted: string[];
}

export interface ClientSettings {
  url: string | undefined;
  options: RedisClientOptions;
}

type Reply = Buffer | string | number | null | Reply[];

/** One connection to Redis. */
export class RedisStreamClient {
  private readonly redis: Redis;
  private clientId: Promise<number> | undefined;
  private lastError: Error | undefined;
  /** Ready since the last failure: the next failure starts an outage, reported once. */
  private healthy = false;

  /**
   * `blocking`: the connection of the long poll, which fails commands while disconnected
   * (the poll loop retries and reports) instead of queueing them, and never sends a read
   * again by itself after a reconnect. `onOutage` hears the first failure after a time of
   * health, not each failed reconnect of the outage.
   */
  constructor(
    settings: ClientSettings,
    role: "commands" | "blocking",
    onOutage: (error: Error) => void,
  ) {
    const options: RedisOptions = {
      ...settings.options,
      lazyConnect: true,
      protocol: 2,
      ...(role === "blocking"
        ? { enableOfflineQueue: false, autoResendUnfulfilledCommands: false }
        : {}),
    };
    this.redis = settings.url === undefined ? new Redis(options) : new Redis(settings.url, options);
    // Without a listener ioredis prints every failed reconnect; the commands report failures.
    this.redis.on("error", (error: Error) => {
      this.lastError = error;
      if (!this.healthy) return;
      this.healthy = false;
      onOutage(error);
    });
    this.redis.on("ready", () => {
      this.healthy = true;
    });
    this.redis.on("close", () => {
      this.clientId = undefined;
    });
  }

  async connect(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.redis.disconnect();
      throw this.lastError ?? error;
    }
  }

  /** `XGROUP CREATE ... 0 MKSTREAM`: a new group starts at the stream's first entry. */
  async createGroup(stream: string, group: string): Promise<void> {
    try {
      await this.redis.call("XGROUP", "CREATE", stream, group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
  }

  async add(stream: string, fields: (string | Uint8Array)[], maxLength?: number): Promise<string> {
    const trim = maxLength === undefined ? [] : ["MAXLEN", "~", maxLength];
    // ioredis sends a Buffer as bytes but any other Uint8Array as its String() text.
    const args = fields.map((field) =>
      typeof field === "string" || Buffer.isBuffer(field)
        ? field
        : Buffer.from(field.buffer, field.byteOffset, field.byteLength),
    );
    return String(await this.redis.call("XADD", stream, ...trim, "*", ...args));
  }

  /**
   * `XREADGROUP`: entries after `from` in this consumer's pending list, or new ones for `>`;
   * with `blockMs`, waits that long for the first one on the server.
   */
  async readGroup(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    from: string,
    blockMs?: number,
  ): Promise<StreamEntry[]> {
    // Asked before the read on the same connection, so that it names the connection reading.
    if (blockMs !== undefined) this.clientId ??= this.redis.call("CLIENT", "ID") as Promise<number>;
    const block = blockMs === undefined ? [] : ["BLOCK", blockMs];
    const reply = (await this.redis.callBuffer(
      "XREADGROUP",
      "GROUP",
      group,
      consumer,
      "COUNT",
      count,
      ...block,
      "STREAMS",
      stream,
      from,
    )) as Reply;
    // RESP2: [[stream, [[id, [field, value, ...]], ...]]], or nil when nothing came.
    if (!Array.isArray(reply) || reply.length === 0) return [];
    const [, entries] = reply[0] as [Buffer, Reply[]];
    return entries.map(parseEntry);
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.call("XACK", stream, group, ...ids);
  }

  /** `XAUTOCLAIM`: takes for `consumer` up to `count` entries idle at least `minIdleMs`. */
  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<AutoClaimed> {
    const reply = (await this.redis.callBuffer(
      "XAUTOCLAIM",
      stream,
      group,
      consumer,
      minIdleMs,
      cursor,
      "COUNT",
      count,
    )) as Reply[];
    // Redis 6.2 answers [next, entries]; 7.0 adds the ids of entries no longer in the stream.
    const [next, entries, deleted] = reply as [Buffer, Reply[], Buffer[] | undefined];
    return {
      next: next.toString(),
      entries: entries.filter((entry) => entry !== null).map(parseEntry),
      deleted: (deleted ?? []).map(String),
    };
  }

  /**
   * `XCLAIM ... JUSTID` of entries to `consumer`, without counting a delivery. Renews them
   * (their idle time starts again), or, with `idleSinceEpoch`, makes them idle for so long
   * that the next `XAUTOCLAIM` of any consumer takes them.
   */
  async claimIds(
    stream: string,
    group: string,
    consumer: string,
    ids: readonly string[],
    idleSinceEpoch = false,
  ): Promise<void> {
    if (ids.length === 0) return;
    // TIME 0: delivered at the epoch. (A large IDLE would be taken for a clock error and reset.)
    const time = idleSinceEpoch ? ["TIME", 0] : [];
    await this.redis.call("XCLAIM", stream, group, consumer, 0, ...ids, ...time, "JUSTID");
  }

  /** Removes `consumer` from the group if it holds no pending entry (which removal would drop). */
  async removeConsumerIfIdle(stream: string, group: string, consumer: string): Promise<void> {
    const pending = (await this.redis.call(
      "XPENDING",
      stream,
      group,
      "-",
      "+",
      1,
      consumer,
    )) as Reply[];
    if (pending.length === 0)
      await this.redis.call("XGROUP", "DELCONSUMER", stream, group, consumer);
  }

  /** Connected now (not connecting, not waiting to reconnect). */
  isReady(): boolean {
    return this.redis.status === "ready";
  }

  /** The id of this connection for `CLIENT UNBLOCK`, once a blocking read was sent on it. */
  blockingClientId(): Promise<number> | undefined {
    return this.clientId;
  }

  /** `CLIENT UNBLOCK`: ends the blocking read of connection `id` as if it timed out. */
  async unblock(id: number): Promise<boolean> {
    return (await this.redis.call("CLIENT", "UNBLOCK", id)) === 1;
  }

  /**
   * Drops the connection (failing what waits on it) and connects again; resolves once it is
   * ready, or after `withinMs` (the next command then fails and is retried).
   */
  reconnect(withinMs = 2_000): Promise<void> {
    const ready = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, withinMs);
      this.redis.once("ready", done);
    });
    this.redis.disconnect(true);
    return ready;
  }

  async close(): Promise<void> {
    this.redis.removeAllListeners("close");
    try {
      if (this.redis.status === "ready") await this.redis.quit();
    } catch {
      // Closed anyway below; nothing is left to send on it.
    } finally {
      this.redis.disconnect();
    }
  }
}

function parseEntry(entry: Reply): StreamEntry {
  const [id, fields] = entry as [Buffer, Buffer[] | null];
  return { id: id.toString(), fields };
}

/** True for the error Redis gives when the group (or the stream) is gone, e.g. after FLUSHALL. */
export function isMissingGroup(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOGROUP");
}
