import type { ClientBase, Pool } from "pg";
import { migrationStatements, type QueueTable, queueTable } from "./queue-table.js";

/** What `migrate()` and `enqueue()` run their statements on: a pg client (yours, in a transaction) or a pool. */
export type QueueDatabase = ClientBase | Pool;

/** Where the queue table lives; the connector's `schema` and `table` settings. */
export interface QueueTableOptions {
  /** Default `"public"`. */
  schema?: string;
  /** Default `"romeways_messages"`. */
  table?: string;
}

/**
 * Creates the queue table, its indexes and its notify trigger if they are missing (idempotent,
 * safe to run from several processes at once). The connector runs it on start unless
 * `createTable` is false; run it yourself from your migrations to keep DDL out of the app.
 * Needs PostgreSQL 14 or later.
 */
export async function migrate(db: QueueDatabase, options: QueueTableOptions = {}): Promise<void> {
  await migrateTable(
    db,
    queueTable(options.schema ?? "public", options.table ?? "romeways_messages"),
  );
}

export async function migrateTable(db: QueueDatabase, table: QueueTable): Promise<void> {
  // Checked first without a lock: CREATE TRIGGER would wait for every running take and ack.
  if (await isMigrated(db, table)) return;
  // A transaction needs one connection: a pool lends one.
  const lent = "totalCount" in db ? await db.connect() : undefined;
  const client = lent ?? (db as ClientBase);
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `romeways:${table.qualified}`,
      ]);
      if (!(await isMigrated(client, table))) {
        for (const statement of migrationStatements(table)) await client.query(statement);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    lent?.release();
  }
}

async function isMigrated(db: QueueDatabase, table: QueueTable): Promise<boolean> {
  const result = await db.query<{ ready: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2) AS ready`,
    [table.qualified, table.triggerName],
  );
  return result.rows[0]?.ready === true;
}
