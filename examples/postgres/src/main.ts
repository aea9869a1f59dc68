// Orders and their "order placed" messages in one PostgreSQL database: each order is written
// with its message in one transaction (the outbox pattern), and romeways consumes the queue.
// Run with a server: DATABASE_URL=postgres://localhost/app pnpm --filter @romeways/example-postgres start
import { enqueue, migrate } from "@romeways/connector-postgres";
import { createRomeways, type Message, ResendError } from "@romeways/core";
import pg from "pg";

const connectionString = process.env.DATABASE_URL ?? "postgres://localhost/postgres";
const queue = process.env.QUEUE ?? "orders.placed";
const table = { table: process.env.QUEUE_TABLE ?? "romeways_messages" };

const db = new pg.Pool({ connectionString });
await migrate(db, table); // or let the connector create the table on start
await db.query(
  "CREATE TABLE IF NOT EXISTS example_orders (id text PRIMARY KEY, item text NOT NULL)",
);

/** Writes an order and its message atomically: both exist after COMMIT, neither after ROLLBACK. */
async function placeOrder(id: string, item: string): Promise<void> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      "INSERT INTO example_orders (id, item) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET item = $2",
      [id, item],
    );
    await enqueue(client, queue, { body: JSON.stringify({ id, item }), key: id }, table);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

const romeways = createRomeways();

romeways.queueConsumer(
  queue,
  { connectorName: "db", frequency: 0, maxChunkSize: 10 },
  async (message: Message) => {
    const order = JSON.parse(message.payload) as { id: string; item: string };
    // The warehouse is slow to see back-ordered items: look again once.
    if (order.item.includes("back-ordered") && message.rwResendTimes === 0) {
      throw new ResendError("not in stock yet");
    }
    console.log(`shipped ${order.id}: ${order.item} (rwResendTimes=${message.rwResendTimes})`);
  },
);

romeways.connectorRegister({
  connector: "postgres",
  config: { connectorName: "db", connectionString, ...table, visibilityTimeoutMs: 10_000 },
});

const orders = [
  ["o1", "a teapot"],
  ["o2", "a back-ordered kettle"],
  ["o3", "two cups"],
] as const;
let shipped = 0;
romeways.events.on("message:resent", ({ message }) => console.log(`resent ${message.payload}`));
romeways.events.on("message:handled", () => {
  if (++shipped === orders.length) void romeways.stop();
});
romeways.events.on("app:stopped", async () => {
  await db.query("DELETE FROM example_orders WHERE id = ANY($1)", [orders.map(([id]) => id)]);
  await db.end();
  console.log("stopped: every order shipped");
});

await romeways.start();
for (const [id, item] of orders) await placeOrder(id, item);
