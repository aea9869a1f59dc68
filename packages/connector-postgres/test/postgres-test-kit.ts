// What the PostgreSQL tests share: the server's URL, connectors on it, a client for looking
// at the table directly, and a wait on a condition.
import { type PostgresConnectorConfig, PostgresQueueConnector } from "@romeways/connector-postgres";
import pg from "pg";
import { afterAll, inject } from "vitest";

export const databaseUrl = (): string => inject("databaseUrl");

export function connectorConfig(
  overrides: Partial<PostgresConnectorConfig> = {},
): PostgresConnectorConfig {
  return { connectorName: "postgres-test", connectionString: databaseUrl(), ...overrides };
}

export function connector(queueName: string, overrides: Partial<PostgresConnectorConfig> = {}) {
  return new PostgresQueueConnector(
    connectorConfig(overrides),
    { connectorName: "postgres-test" },
    queueName,
  );
}

export const newQueueName = (prefix = "q"): string =>
  `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

let shared: pg.Pool | undefined;

/** A pool of the test file's own, ended after the file. */
export function testPool(): pg.Pool {
  if (shared === undefined) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
    shared = pool;
    afterAll(() => pool.end());
  }
  return shared;
}

/** Rows of a queue in the default table, by state. */
export async function queueCounts(queue: string, table = "romeways_messages") {
  const { rows } = await testPool().query<{ waiting: number; leased: number; done: number }>(
    `SELECT count(*) FILTER (WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= now()))::int AS waiting,
            count(*) FILTER (WHERE done_at IS NULL AND lease_until > now())::int AS leased,
            count(*) FILTER (WHERE done_at IS NOT NULL)::int AS done
     FROM "${table}" WHERE queue = $1`,
    [queue],
  );
  return rows[0] as { waiting: number; leased: number; done: number };
}

export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString("utf8");
