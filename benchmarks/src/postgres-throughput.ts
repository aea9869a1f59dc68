// PostgreSQL consume throughput on pre-filled queues (100-byte messages): romeways with
// @romeways/connector-postgres (leases renewed, LISTEN for wake-ups, ack deletes) against a
// bare pg loop on one connection doing the same take (UPDATE ... FOR UPDATE SKIP LOCKED
// RETURNING) and delete. Each run consumes a queue of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import { migrate } from "@romeways/connector-postgres";
import pg from "pg";
import { startPostgresServer } from "../../scripts/postgres/server.mjs";
import { brokerThroughput } from "./broker-throughput.js";

const maxChunkSize = 100;
const table = "romeways_bench_messages";

// The connector's own take, written out: what any SKIP LOCKED queue on this table would run.
const take = `UPDATE ${table} SET lease_until = now() + interval '30 seconds', lease_owner = $3,
    deliveries = deliveries + 1
  WHERE id = ANY(ARRAY(SELECT id FROM ${table} WHERE queue = $1 AND done_at IS NULL
    AND (lease_until IS NULL OR lease_until <= now()) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED))
  RETURNING id, body, key_text, key_bytes, headers`;

/** Each run is a queue name; its rows are deleted as they are acknowledged. */
export const postgresThroughput = brokerThroughput<string>({
  name: "postgres-throughput",
  description:
    "PostgreSQL, 100-byte messages: romeways against a bare pg SKIP LOCKED take-and-delete loop",
  label: "postgres",
  total: { quick: 2_000, full: 20_000 },
  runs: 7,
  env: "DATABASE_URL",
  start: (log) => startPostgresServer({ log }),
  plan: `a fresh queue per run, chunk ${maxChunkSize}`,
  case: `chunk ${maxChunkSize}, ack deletes`,
  baselineName: "bare pg: SKIP LOCKED take, delete",
  note: "both take with the same statement",
  async connect(url, context) {
    const db = new pg.Pool({ connectionString: url, max: 2 });
    // An idle connection that the server's shutdown ends must not end the benchmark run.
    db.on("error", (error) => context.log(`[postgres] idle connection: ${error.message}`));
    try {
      await migrate(db, { table });
    } catch (error) {
      await db.end();
      throw error;
    }
    return {
      async fill(total) {
        const queue = `bench-${randomUUID().slice(0, 8)}`;
        await db.query(
          `INSERT INTO ${table} (queue, body)
           SELECT $1, convert_to(lpad(i::text, 10, '0') || repeat('x', 90), 'UTF8') FROM generate_series(1, $2::int) AS i`,
          [queue, total],
        );
        // Dead rows of earlier runs and stale statistics would decide the figure, not the consumer.
        await db.query(`VACUUM (ANALYZE) ${table}`);
        return queue;
      },
      consume(romeways, queue, handle) {
        romeways.queueConsumer(
          queue,
          { connectorName: "pg", frequency: 0, maxChunkSize, sequential: false },
          handle,
        );
        romeways.connectorRegister({
          connector: "postgres",
          config: { connectorName: "pg", connectionString: url, table },
        });
      },
      async bare(queue, stopwatch) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const owner = randomUUID();
        try {
          let handled = 0;
          while (handled < stopwatch.total) {
            const { rows } = await client.query<{ id: string }>(take, [queue, maxChunkSize, owner]);
            await Promise.all(rows.map((row) => stopwatch.handle(row)));
            await client.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [
              rows.map((row) => row.id),
            ]);
            handled += rows.length;
          }
        } finally {
          await client.end();
        }
      },
      close: () => db.end(),
    };
  },
});
