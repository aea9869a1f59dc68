import {
  ConfigError,
  type ConnectorConfig,
  type ConnectorConfigSpec,
  type QueueConfig,
} from "@romeways/core";
import type { PoolConfig } from "pg";
import { type QueueTable, queueTable } from "./queue-table.js";

/** Connector config of the PostgreSQL connector. */
export interface PostgresConnectorConfig extends ConnectorConfig {
  /** `postgres://user:password@host:5432/database`; or give `pool`. */
  connectionString?: string;
  /**
   * Options for pg's `Pool` (host, user, ssl, max, ...), merged under `connectionString`.
   * The connector also opens one client of its own with these options for `LISTEN`.
   */
  pool?: PoolConfig;
  /** Schema of the queue table. Default `"public"`. */
  schema?: string;
  /** The queue table; every queue of this connector is a set of rows in it. Default `"romeways_messages"`. */
  table?: string;
  /** Create the table (and its notify trigger) when missing, on start or on first send. Default true. */
  createTable?: boolean;
  /**
   * Milliseconds a taken message stays invisible to other consumers. The connector renews the
   * lease while the handler runs; a consumer that dies stops renewing, and its messages come
   * back this long after its last renewal. Default 30 000.
   */
  visibilityTimeoutMs?: number;
  /**
   * Milliseconds between two looks at an empty queue when no notification can arrive (`listen`
   * false, or the listening connection is down). Default 1 000.
   */
  pollIntervalMs?: number;
  /**
   * Wake waiting polls with `LISTEN/NOTIFY`. Set false behind a pooler in transaction mode
   * (PgBouncer), where `LISTEN` does not work: polls then look every `pollIntervalMs`. Default true.
   */
  listen?: boolean;
  /**
   * What `ack` does: 0 deletes the row; a positive number marks it done and deletes it that many
   * milliseconds later (`Infinity`: keeps it). Default 0.
   */
  retentionMs?: number;
}

/** Queue config of the PostgreSQL connector: the generic fields only. */
export interface PostgresQueueConfig extends QueueConfig {}

/** The checked connector config, as the connector reads it. */
export interface PostgresSettings {
  pool: PoolConfig;
  table: QueueTable;
  createTable: boolean;
  visibilityTimeoutMs: number;
  pollIntervalMs: number;
  listen: boolean;
  retentionMs: number;
}

const maxTimerMs = 2 ** 31 - 1;

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function resolveSettings(
  config: PostgresConnectorConfig,
  queueName: string,
): PostgresSettings {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, {
      queueName,
      connectorName: typeof config?.connectorName === "string" ? config.connectorName : undefined,
      field,
    });
  };
  if (typeof config !== "object" || config === null) {
    fail("config", "pass a PostgreSQL connector config, e.g. { connectorName, connectionString }");
  }
  const { connectionString, pool } = config;
  if (
    connectionString !== undefined &&
    (typeof connectionString !== "string" || connectionString === "")
  ) {
    fail(
      "connectionString",
      "connectionString must be a non-empty string such as postgres://host/db",
    );
  }
  if (pool !== undefined && (typeof pool !== "object" || pool === null)) {
    fail("pool", "pool must be an object of pg Pool options");
  }
  if (connectionString === undefined && pool === undefined) {
    fail(
      "connectionString",
      "give connectionString or pool (pg Pool options) to reach the database",
    );
  }
  if (queueName.length === 0) fail("queueName", "the queue name must not be empty");
  const name = (field: "schema" | "table", fallback: string): string => {
    const value = config[field] ?? fallback;
    if (typeof value !== "string" || value.length === 0 || value.includes("\u0000")) {
      fail(field, `${field} must be a non-empty string without NUL characters`);
    }
    // PostgreSQL cuts longer identifiers silently: two long names could meet in one table.
    if (Buffer.byteLength(value) > 63) fail(field, `${field} must be at most 63 bytes long`);
    return value;
  };
  const number = (
    field: "visibilityTimeoutMs" | "pollIntervalMs",
    fallback: number,
    least: number,
  ) => {
    const value = config[field] ?? fallback;
    if (
      typeof value !== "number" ||
      !Number.isInteger(value) ||
      value < least ||
      value > maxTimerMs
    ) {
      fail(field, `${field} must be a whole number of milliseconds from ${least} to ${maxTimerMs}`);
    }
    return value;
  };
  const flag = (field: "createTable" | "listen") => {
    const value = config[field] ?? true;
    if (typeof value !== "boolean") fail(field, `${field} must be true or false`);
    return value;
  };
  const retentionMs = config.retentionMs ?? 0;
  if (typeof retentionMs !== "number" || Number.isNaN(retentionMs) || retentionMs < 0) {
    fail(
      "retentionMs",
      "retentionMs must be 0 (delete on ack), a positive number of milliseconds or Infinity",
    );
  }
  return {
    pool: { ...pool, ...(connectionString === undefined ? {} : { connectionString }) },
    table: queueTable(name("schema", "public"), name("table", "romeways_messages")),
    createTable: flag("createTable"),
    // A lease is renewed every third of it: below a few hundred ms, renewals would be most of the work.
    visibilityTimeoutMs: number("visibilityTimeoutMs", 30_000, 300),
    pollIntervalMs: number("pollIntervalMs", 1_000, 10),
    listen: flag("listen"),
    retentionMs,
  };
}

/**
 * The connector's fields core accepts (any other is a ConfigError with a suggestion; a queue
 * has only core's), and the checks its constructor makes, run by core before anything
 * connects and by the test harness.
 */
export const postgresConfigSpec: ConnectorConfigSpec<PostgresConnectorConfig, PostgresQueueConfig> =
  {
    connectorFields: {
      connectionString: true,
      pool: true,
      schema: true,
      table: true,
      createTable: true,
      visibilityTimeoutMs: true,
      pollIntervalMs: true,
      listen: true,
      retentionMs: true,
    },
    queueFields: {},
    check(connectorConfig, _queueConfig, queueName) {
      resolveSettings(connectorConfig, queueName);
    },
  };
