import type { RawMessage } from "@romeways/core";
import type { RedisRawMessage } from "./redis-message.js";

/**
 * How a message is laid out in a stream entry's fields: `body` holds the bytes (a message
 * without a body has `tombstone` instead, since an entry needs at least one field), `key` the
 * key, and one `header:<name>` field per header. Plain names, so `XRANGE` in redis-cli reads.
 */
const bodyField = "body";
const tombstoneField = "tombstone";
const keyField = "key";
const headerPrefix = "header:";

/** The field-value pairs of an entry for `message`, ready for `XADD`. */
export function toFields(message: RawMessage): (string | Uint8Array)[] {
  const fields: (string | Uint8Array)[] =
    message.body === null ? [tombstoneField, ""] : [bodyField, message.body];
  if (message.key !== undefined) fields.push(keyField, message.key);
  if (message.headers !== undefined) {
    for (const [name, value] of Object.entries(message.headers)) {
      fields.push(headerPrefix + name, value);
    }
  }
  return fields;
}

/**
 * The message an entry holds. An entry another program wrote, with neither `body` nor
 * `tombstone`, becomes the JSON text of its fields, so that its content reaches the handler.
 */
export function fromFields(stream: string, id: string, fields: readonly Buffer[]): RedisRawMessage {
  // Built whole here: a spread into another object would cost on every message.
  const message: RedisRawMessage = { body: null, stream, id };
  let headers: Record<string, string> | undefined;
  let romewaysEntry = false;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = (fields[i] as Buffer).toString("utf8");
    const value = fields[i + 1] as Buffer;
    if (name === bodyField) {
      message.body = value;
      romewaysEntry = true;
    } else if (name === tombstoneField) romewaysEntry = true;
    else if (name === keyField) message.key = value;
    else if (name.startsWith(headerPrefix)) {
      headers ??= {};
      headers[name.slice(headerPrefix.length)] = value.toString("utf8");
    }
  }
  if (!romewaysEntry) return { body: foreignEntryBody(fields), stream, id };
  if (headers !== undefined) message.headers = headers;
  return message;
}

function foreignEntryBody(fields: readonly Buffer[]): Uint8Array {
  const object: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    object[(fields[i] as Buffer).toString("utf8")] = (fields[i + 1] as Buffer).toString("utf8");
  }
  return Buffer.from(JSON.stringify(object), "utf8");
}
