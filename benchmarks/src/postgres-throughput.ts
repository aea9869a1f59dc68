// PostgreSQL consume throughput on pre-filled queues (100-byte messages): romeways with
// @romeways/connector-postgres (leases renewed, LISTEN for wake-ups, ack deletes) against a
// bare pg loop on one connection doing the same take (UPDATE ... FOR UPDATE SKIP LOCKED
// RETURNING) and delete. Each run consumes a queue of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import { migrate } from "@romeways/connector-postgres";
import { createRomeways } from "@romeways/core";
import pg from "pg";
import { type PostgresServer, startPostgresServer } from "../../scripts/postgres/server.mjs";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

const maxChunkSize = 100;
const table = "romeways_bench_messages";

// The connector's own take, written out: what any SKIP LOCKED queue on this table would run.
const take = `UPDATE ${table} SET lease_until = now() + interval '30 seconds', lease_owner = $3,
    deliveries = deliveries + 1
  WHERE id = ANY(ARRAY(SELECT id FROM ${table} WHERE queue = $1 AND done_at IS NULL
    AND (lease_until IS NULL OR lease_until <= now()) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED))
  RETURNING id, body, key_text, key_bytes, headers`;

/** Resolves with msg/s from the first message handled to the `total`-th. */
class Stopwatch {
  private firstAt = 0;
  private count = 0;
  private finish: (rate: number) => void = () => {};
  readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(private readonly total: number) {}

  handle = async (_message: unknown): Promise<void> => {
    if (this.count === 0) this.firstAt = performance.now();
    if (++this.count === this.total) {
      this.finish((this.total - 1) / ((performance.now() - this.firstAt) / 1000));
    }
  };

  result(): Promise<number> {
    return within(this.done, 120_000, () => `${this.count} of ${this.total} messages within 120 s`);
  }
}

async function fill(db: pg.Pool, total: number): Promise<string> {
  const queue = `bench-${randomUUID().slice(0, 8)}`;
  await db.query(
    `INSERT INTO ${table} (queue, body)
     SELECT $1, convert_to(lpad(i::text, 10, '0') || repeat('x', 90), 'UTF8') FROM generate_series(1, $2::int) AS i`,
    [queue, total],
  );
  // Dead rows of earlier runs and stale statistics would decide the figure, not the consumer.
  await db.query(`VACUUM (ANALYZE) ${table}`);
  return queue;
}

async function throughRomeways(url: string, db: pg.Pool, total: number): Promise<number> {
  const queue = await fill(db, total);
  const stopwatch = new Stopwatch(total);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    queue,
    { connectorName: "pg", frequency: 0, maxChunkSize, sequential: false },
    stopwatch.handle,
  );
  romeways.connectorRegister({
    connector: "postgres",
    config: { connectorName: "pg", connectionString: url, table },
  });
  await romeways.start();
  try {
    return await stopwatch.result();
  } finally {
    await romeways.stop();
  }
}

async function throughBarePg(url: string, db: pg.Pool, total: number): Promise<number> {
  const queue = await fill(db, total);
  const stopwatch = new Stopwatch(total);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const owner = randomUUID();
  try {
    let handled = 0;
    while (handled < total) {
      const { rows } = await client.query<{ id: string }>(take, [queue, maxChunkSize, owner]);
      await Promise.all(rows.map((row) => stopwatch.handle(row)));
      await client.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [
        rows.map((row) => row.id),
      ]);
      handled += rows.length;
    }
    return await stopwatch.result();
  } finally {
    await client.end();
  }
}

export const postgresThroughput: Benchmark = {
  name: "postgres-throughput",
  description:
    "PostgreSQL, 100-byte messages: romeways against a bare pg SKIP LOCKED take-and-delete loop",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 2_000 : 20_000;
    const runs = context.quick ? 1 : 7;
    let server: PostgresServer | undefined;
    let url = process.env.DATABASE_URL ?? "";
    if (url === "") {
      server = await startPostgresServer({ log: (line) => context.log(`[postgres] ${line}`) });
      url = server.url;
    }
    const db = new pg.Pool({ connectionString: url, max: 2 });
    // An idle connection that the server's shutdown ends must not end the benchmark run.
    db.on("error", (error) => context.log(`[postgres] idle connection: ${error.message}`));
    try {
      await migrate(db, { table });
      context.log(
        `${runs} runs each of ${total} messages, a fresh queue per run, chunk ${maxChunkSize}`,
      );
      const result = await paired(
        runs,
        context.quick ? 0 : 1,
        () => throughBarePg(url, db, total),
        () => throughRomeways(url, db, total),
      );
      return [
        comparedRow(
          {
            benchmark: "postgres-throughput",
            case: `${total.toLocaleString("en-US")} × 100 B, chunk ${maxChunkSize}, ack deletes`,
            metric: "msg/s",
            better: "higher",
            baselineName: "bare pg: SKIP LOCKED take, delete",
            target: "ratio >= 0.8",
            note: "msg/s from the first message handled to the last; both take with the same statement",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      await db.end();
      await server?.stop();
    }
  },
};
