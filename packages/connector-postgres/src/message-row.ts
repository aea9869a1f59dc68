import type { RawMessage } from "@romeways/core";

/** A message taken from the table: `id` is its row, ordered per queue (a bigint as text). */
export interface PostgresRawMessage extends RawMessage {
  readonly id: string;
}

/** A row as the take statement returns it. */
export interface MessageRow {
  id: string;
  body: Buffer | null;
  key_text: string | null;
  key_bytes: Buffer | null;
  headers: Record<string, string> | null;
}

/** The insert statement's parameters after the queue name: body, key as text, key as bytes, headers. */
export function rowParameters(
  message: RawMessage,
): [Buffer | null, string | null, Buffer | null, string | null] {
  const { body, key, headers } = message;
  return [
    body === null ? null : toBuffer(body),
    typeof key === "string" ? key : null,
    key instanceof Uint8Array ? toBuffer(key) : null,
    headers === undefined ? null : JSON.stringify(headers),
  ];
}

export function messageOfRow(row: MessageRow): PostgresRawMessage {
  const message: { -readonly [K in keyof PostgresRawMessage]: PostgresRawMessage[K] } = {
    id: row.id,
    body: row.body,
  };
  if (row.key_text !== null) message.key = row.key_text;
  else if (row.key_bytes !== null) message.key = row.key_bytes;
  if (row.headers !== null) message.headers = row.headers;
  return message;
}

/** Oldest first: the take statement's RETURNING has no order of its own. */
export function byId(a: PostgresRawMessage, b: PostgresRawMessage): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// pg sends a Buffer as bytea; a plain Uint8Array would go as text.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
