import type { RawMessage } from "@romeways/core";
import { rowParameters } from "./message-row.js";
import type { QueueDatabase, QueueTableOptions } from "./migrate.js";
import { queueTable } from "./queue-table.js";

/** A message to enqueue: a body as text or bytes, with an optional key and headers. */
export interface OutboxMessage {
  body: Uint8Array | string | null;
  key?: Uint8Array | string;
  headers?: Record<string, string>;
}

/**
 * Inserts a message into a queue through your own `pg` client, inside your transaction if one
 * is open (the outbox pattern): the message exists, and wakes consumers, only if the
 * transaction commits. The table must exist (`migrate()`, or a connector that started).
 *
 * ```ts
 * await client.query("BEGIN");
 * await client.query("INSERT INTO orders ...");
 * await enqueue(client, "orders.created", { body: JSON.stringify(order) });
 * await client.query("COMMIT");
 * ```
 */
export async function enqueue(
  db: QueueDatabase,
  queueName: string,
  message: OutboxMessage,
  options: QueueTableOptions = {},
): Promise<void> {
  const table = queueTable(options.schema ?? "public", options.table ?? "romeways_messages");
  const body = typeof message.body === "string" ? Buffer.from(message.body, "utf8") : message.body;
  await insertMessage(db, table.sql.insert, queueName, { ...message, body });
}

export async function insertMessage(
  db: QueueDatabase,
  insert: string,
  queueName: string,
  message: RawMessage,
): Promise<void> {
  await db.query(insert, [queueName, ...rowParameters(message)]);
}
