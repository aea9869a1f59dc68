import { randomUUID } from "node:crypto";
import {
  type Connector,
  type ConnectorContext,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import type pg from "pg";
import {
  type PostgresConnectorConfig,
  type PostgresQueueConfig,
  type PostgresSettings,
  postgresConfigSpec,
  resolveSettings,
} from "./config.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { byId, type MessageRow, messageOfRow, type PostgresRawMessage } from "./message-row.js";
import { insertMessage } from "./outbox.js";
import { acquireDatabase, type SharedDatabase } from "./shared-database.js";

// While notifications arrive, an empty queue is looked at this often anyway: a notification
// lost to a network fault the connection has not noticed yet delays a message by no more.
const listeningLookMs = 30_000;
interface Look {
  taken: PostgresRawMessage[];
  waitMs: number;
}

/**
 * A durable queue in one PostgreSQL table, at least once. A poll takes the oldest available
 * rows of its queue with `FOR UPDATE SKIP LOCKED` and leases them for `visibilityTimeoutMs`;
 * the lease is renewed while the handler runs, `ack` deletes the rows (or marks them done),
 * `stop()` ends the leases of what was not acknowledged, and the rows of a process that died
 * come back when their lease runs out. Waiting polls wake on `LISTEN/NOTIFY`.
 */
export class PostgresQueueConnector implements Connector {
  /** Its config fields and checks, for core and the test harness (no connection). */
  static readonly configSpec = postgresConfigSpec;
  private readonly settings: PostgresSettings;
  private readonly owner = randomUUID();
  private readonly leases: LeaseKeeper;
  private readonly report = (error: unknown) => this.reportBackground(error);
  /** Shared with the other instances of this connector config in the process. */
  private database: SharedDatabase | undefined;
  private started = false;
  private running = false;
  /** Aborted by stop(): ends this instance's waiting poll, whoever else listens. */
  private stopping = new AbortController();
  /** Looks at the table under way: stop() waits for them (and the release of what they took). */
  private readonly looks = new Set<Promise<Look>>();
  /** Without a context, a background error fails the next poll (so core reports it). */
  private pendingError: unknown;
  private lastPurgeAt = 0;

  constructor(
    private readonly connectorConfig: PostgresConnectorConfig,
    _queueConfig: PostgresQueueConfig,
    private readonly queueName: string,
    /** Core's context: background errors (a failed renewal, a dropped LISTEN) go to its `reportError`. */
    private readonly context?: Pick<ConnectorContext, "reportError">,
  ) {
    this.settings = resolveSettings(connectorConfig, queueName);
    this.leases = new LeaseKeeper(
      this.settings.visibilityTimeoutMs,
      (ids) => this.renew(ids),
      this.report,
    );
  }

  /** Connects, creates the table if missing (unless `createTable` is false), and listens. */
  async start(): Promise<void> {
    let database: SharedDatabase;
    try {
      database = await this.ensureReady();
    } catch (error) {
      throw new RomewaysError(
        "ROMEWAYS_POSTGRES_START",
        `the queue "${this.queueName}" in ${this.settings.table.qualified} could not start: ${messageOf(error)}`,
        { cause: error },
      );
    }
    this.stopping = new AbortController();
    this.started = true;
    this.running = true;
    await database.listen();
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    if (!this.started) throw this.notStarted("getMessages");
    if (this.pendingError !== undefined) {
      const error = this.pendingError;
      this.pendingError = undefined;
      throw error;
    }
    const signals = [signal, this.stopping.signal];
    while (this.running && !signal.aborted && this.database !== undefined) {
      const { listener } = this.database;
      const seen = listener.version(this.queueName);
      const { taken, waitMs } = await this.track(this.look(maxChunkSize, signal));
      if (taken.length > 0) return taken;
      if (!this.running || signal.aborted) break;
      await listener.changedSince(this.queueName, seen, signals, waitMs);
    }
    return [];
  }

  /** Inserts into this queue (a resend, a dead letter); works on an instance never started. */
  async sendMessage(message: RawMessage): Promise<void> {
    const { pool } = await this.ensureReady();
    await insertMessage(pool, this.settings.table.sql.insert, this.queueName, message);
  }

  /** Deletes the rows, or marks them done when `retentionMs` keeps them. */
  async ack(messages: RawMessage[]): Promise<void> {
    const ids = messages
      .map((message) => (message as PostgresRawMessage).id)
      .filter((id) => id !== undefined);
    if (ids.length === 0) return;
    const pool = this.database?.pool;
    if (pool === undefined) throw this.notStarted("ack");
    const { sql } = this.settings.table;
    const { retentionMs } = this.settings;
    try {
      await pool.query(retentionMs === 0 ? sql.remove : sql.markDone, [ids]);
    } finally {
      // A failed ack lets the leases run out: the messages come back, as at least once wants.
      this.leases.forget(ids);
    }
    if (
      retentionMs > 0 &&
      Number.isFinite(retentionMs) &&
      Date.now() - this.lastPurgeAt > Math.min(retentionMs, 60_000)
    ) {
      this.lastPurgeAt = Date.now();
      await pool.query(sql.purgeDone, [this.queueName, retentionMs]);
    }
  }

  /** Ends the poll, hands back what was taken and not acknowledged (at once), lets go of the database. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await Promise.allSettled(this.looks);
    await this.leases.close();
    const database = this.database;
    this.database = undefined;
    if (database === undefined) return;
    try {
      const held = this.leases.ids;
      if (held.length > 0) await this.release(database.pool, held);
      this.leases.forget(held);
    } finally {
      await database.release(this.report);
    }
  }

  private async ensureReady(): Promise<SharedDatabase> {
    this.database ??= acquireDatabase(this.connectorConfig, this.settings, this.report);
    const database = this.database;
    try {
      await database.ensureTable();
    } catch (error) {
      if (this.database === database) this.database = undefined;
      await database.release(this.report);
      throw error;
    }
    return database;
  }

  /** Takes up to `maxChunkSize` rows under a lease; when there are none, says how long to wait. */
  private async look(maxChunkSize: number, signal: AbortSignal): Promise<Look> {
    const database = this.database;
    if (database === undefined || !this.running) return { taken: [], waitMs: 0 };
    const { pool, listener } = database;
    const { sql } = this.settings.table;
    const { rows } = await pool.query<MessageRow>(sql.take, [
      this.queueName,
      maxChunkSize,
      this.settings.visibilityTimeoutMs,
      this.owner,
    ]);
    const taken = rows.map(messageOfRow).sort(byId);
    const ids = taken.map((message) => message.id);
    if (taken.length > 0 && (!this.running || signal.aborted)) {
      // Aborted while the statement ran: the next poll, or another consumer, gets them at once.
      await this.release(pool, ids);
      return { taken: [], waitMs: 0 };
    }
    if (taken.length > 0) {
      this.leases.hold(ids);
      return { taken, waitMs: 0 };
    }
    const fallback = listener.listening ? listeningLookMs : this.settings.pollIntervalMs;
    // A lease that runs out frees its row without a notification: look again when it does.
    const next = await pool.query<{ ms: number | null }>(sql.nextLeaseEnd, [this.queueName]);
    const leaseEnd = next.rows[0]?.ms;
    const waitMs =
      leaseEnd === null || leaseEnd === undefined
        ? fallback
        : Math.max(1, Math.min(fallback, Math.ceil(leaseEnd)));
    return { taken: [], waitMs };
  }

  private async track(look: Promise<Look>): Promise<Look> {
    this.looks.add(look);
    try {
      return await look;
    } finally {
      this.looks.delete(look);
    }
  }

  private async renew(ids: string[]): Promise<void> {
    const pool = this.database?.pool;
    if (pool === undefined) return;
    await pool.query(this.settings.table.sql.renew, [
      ids,
      this.settings.visibilityTimeoutMs,
      this.owner,
    ]);
  }

  private async release(pool: pg.Pool, ids: string[]): Promise<void> {
    await pool.query(this.settings.table.sql.release, [ids, this.owner, this.queueName]);
    this.leases.forget(ids);
  }

  private reportBackground(error: unknown): void {
    if (this.context !== undefined) this.context.reportError(error);
    else this.pendingError ??= error;
  }

  private notStarted(operation: string): Error {
    return new RomewaysError(
      "ROMEWAYS_POSTGRES_NOT_STARTED",
      `${operation}() on queue "${this.queueName}" needs start() first`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
