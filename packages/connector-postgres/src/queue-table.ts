import { createHash } from "node:crypto";

/**
 * The one table that holds every queue of a connector, and the SQL the connector runs on it.
 * Names are quoted once here; values always travel as parameters.
 */
export interface QueueTable {
  readonly schema: string;
  readonly table: string;
  /** `"schema"."table"`, quoted. */
  readonly qualified: string;
  /** The `LISTEN/NOTIFY` channel; each notification's payload is a queue name. */
  readonly channel: string;
  /** The notify trigger's name: its presence says the table is migrated. */
  readonly triggerName: string;
  readonly sql: QueueStatements;
}

/** Statements with their parameters in order. */
export interface QueueStatements {
  /** $1 queue, $2 body, $3 key as text, $4 key as bytes, $5 headers (jsonb text). */
  insert: string;
  /** $1 queue, $2 limit, $3 lease ms, $4 owner: takes the oldest available rows under a lease. */
  take: string;
  /** $1 ids, $2 lease ms, $3 owner: extends the leases this owner still holds. */
  renew: string;
  /** $1 ids, $2 owner, $3 queue: ends the leases this owner holds and wakes waiting polls. */
  release: string;
  /** $1 ids. */
  remove: string;
  /** $1 ids. */
  markDone: string;
  /** $1 queue, $2 retention ms. */
  purgeDone: string;
  /** $1 queue: milliseconds until the next lease of the queue ends, or null. */
  nextLeaseEnd: string;
}

/** Quotes an identifier for PostgreSQL: `"` doubled inside double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A derived name (index, trigger) of at most 63 bytes, unique to this table. */
function derivedName(table: QueueTable["table"], suffix: string): string {
  const name = `${table}_${suffix}`;
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash("sha256").update(table).digest("hex").slice(0, 12);
  return `romeways_${hash}_${suffix}`;
}

function channelOf(schema: string, table: string): string {
  const readable = `romeways:${schema}.${table}`;
  if (Buffer.byteLength(readable) <= 63) return readable;
  return `romeways:${createHash("sha256").update(`${schema}.${table}`).digest("hex").slice(0, 40)}`;
}

export function queueTable(schema: string, table: string): QueueTable {
  const t = `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
  const available = "done_at IS NULL AND (lease_until IS NULL OR lease_until <= now())";
  const ms = (parameter: string) => `${parameter}::double precision * interval '1 millisecond'`;
  return {
    schema,
    table,
    qualified: t,
    channel: channelOf(schema, table),
    triggerName: derivedName(table, "notify"),
    sql: {
      insert: `INSERT INTO ${t} (queue, body, key_text, key_bytes, headers) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      // One statement: the rows are locked, skipped by concurrent takes, and leased atomically.
      // The ids go through an array (an init plan run once, then a primary-key lookup): as a
      // join, a planner misled by stale statistics after a bulk insert rescans the locking
      // subquery for every row of the table.
      take: `UPDATE ${t} SET lease_until = now() + ${ms("$3")}, lease_owner = $4, deliveries = deliveries + 1
        WHERE id = ANY(ARRAY(SELECT id FROM ${t} WHERE queue = $1 AND ${available} ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED))
        RETURNING id, body, key_text, key_bytes, headers`,
      renew: `UPDATE ${t} SET lease_until = now() + ${ms("$2")} WHERE id = ANY($1::bigint[]) AND lease_owner = $3`,
      release: `WITH released AS (
          UPDATE ${t} SET lease_until = NULL, lease_owner = NULL
          WHERE id = ANY($1::bigint[]) AND lease_owner = $2 AND done_at IS NULL RETURNING 1)
        SELECT pg_notify(${quoteLiteral(channelOf(schema, table))}, $3) FROM (SELECT count(*) AS n FROM released) AS r WHERE r.n > 0`,
      remove: `DELETE FROM ${t} WHERE id = ANY($1::bigint[])`,
      markDone: `UPDATE ${t} SET done_at = now(), lease_until = NULL, lease_owner = NULL WHERE id = ANY($1::bigint[])`,
      purgeDone: `DELETE FROM ${t} WHERE queue = $1 AND done_at < now() - ${ms("$2")}`,
      nextLeaseEnd: `SELECT (extract(epoch FROM min(lease_until) - now()) * 1000)::double precision AS ms FROM ${t}
        WHERE queue = $1 AND done_at IS NULL AND lease_until IS NOT NULL`,
    },
  };
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The statements that create the table, its index and the trigger that notifies waiting polls
 * of inserted rows (so rows inserted by any client wake them, the outbox's included, at commit).
 * Idempotent; run under an advisory lock so that processes starting together do not collide.
 */
export function migrationStatements(queue: QueueTable): string[] {
  const t = queue.qualified;
  const schema = quoteIdentifier(queue.schema);
  const notifyFunction = `${schema}.${quoteIdentifier(derivedName(queue.table, "notify"))}`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${t} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      queue text NOT NULL,
      body bytea,
      key_text text,
      key_bytes bytea,
      headers jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      lease_owner text,
      deliveries integer NOT NULL DEFAULT 0,
      done_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(derivedName(queue.table, "waiting"))}
      ON ${t} (queue, id) WHERE done_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(derivedName(queue.table, "done"))}
      ON ${t} (queue, done_at) WHERE done_at IS NOT NULL`,
    `CREATE OR REPLACE FUNCTION ${notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify(TG_ARGV[0], q.queue) FROM (SELECT DISTINCT queue FROM inserted) AS q;
        RETURN NULL;
      END $$`,
    `CREATE OR REPLACE TRIGGER ${quoteIdentifier(queue.triggerName)}
      AFTER INSERT ON ${t} REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION ${notifyFunction}(${quoteLiteral(queue.channel)})`,
  ];
}
