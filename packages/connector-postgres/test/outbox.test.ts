// The outbox pattern: enqueue() in the caller's own transaction, with the caller's client.
import { enqueue, migrate, type PostgresQueueConnector } from "@romeways/connector-postgres";
import { afterEach, describe, expect, test } from "vitest";
import { connector, newQueueName, testPool, text } from "./postgres-test-kit.js";

const started: PostgresQueueConnector[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((instance) => instance.stop()));
});

async function consumer(queue: string) {
  const instance = connector(queue);
  await instance.start();
  started.push(instance);
  return instance;
}

describe("enqueue() in the caller's transaction", () => {
  test("a message enqueued in a rolled-back transaction never reaches a consumer", async () => {
    const queue = newQueueName("outbox");
    const consumer1 = await consumer(queue);
    const client = await testPool().connect();
    try {
      await client.query("BEGIN");
      await enqueue(client, queue, { body: "rolled back" });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    await enqueue(testPool(), queue, { body: "sentinel" });
    const taken = await consumer1.getMessages(10, new AbortController().signal);
    expect(taken.map((message) => text(message.body))).toEqual(["sentinel"]);
  });

  test("a message enqueued in a committed transaction reaches a waiting poll at the commit, with key and headers", async () => {
    const queue = newQueueName("outbox");
    const consumer1 = await consumer(queue);
    await testPool().query("CREATE TABLE IF NOT EXISTS outbox_orders (id text PRIMARY KEY)");
    const client = await testPool().connect();
    const waiting = consumer1.getMessages(10, new AbortController().signal);
    let committedAt = 0;
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO outbox_orders (id) VALUES ($1)", [queue]);
      await enqueue(client, queue, {
        body: JSON.stringify({ order: queue }),
        key: "customer-7",
        headers: { "x-source": "checkout" },
      });
      // Not visible before the commit: the poll is still waiting.
      const early = await Promise.race([
        waiting,
        new Promise((resolve) => setTimeout(resolve, 300, "waiting")),
      ]);
      expect(early).toBe("waiting");
      await client.query("COMMIT");
      committedAt = performance.now();
    } finally {
      client.release();
    }
    const taken = await waiting;
    console.log(
      `[postgres] an outbox message reached the waiting poll ${(performance.now() - committedAt).toFixed(0)} ms after COMMIT`,
    );
    expect(taken).toHaveLength(1);
    expect(text(taken[0]?.body ?? null)).toBe(JSON.stringify({ order: queue }));
    expect(taken[0]?.key).toBe("customer-7");
    expect(taken[0]?.headers).toEqual({ "x-source": "checkout" });
  });

  test("migrate() creates a table under any name, quoted safely, that a connector then uses", async () => {
    const schema = `romeways "odd" schema`;
    const table = `queue; DROP TABLE x; "--`;
    await migrate(testPool(), { schema, table });
    await migrate(testPool(), { schema, table }); // idempotent
    const queue = newQueueName("quoted");
    await enqueue(testPool(), queue, { body: "in a strange table" }, { schema, table });
    const instance = connector(queue, { schema, table, createTable: false });
    await instance.start();
    started.push(instance);
    const taken = await instance.getMessages(10, new AbortController().signal);
    expect(taken.map((message) => text(message.body))).toEqual(["in a strange table"]);
    await testPool().query(`DROP SCHEMA "romeways ""odd"" schema" CASCADE`);
  });
});
