import type { RawMessage } from "@romeways/core";

/**
 * One message as one file: a 4-byte length, a small JSON header (key, headers, whether the
 * body is null), then the body's bytes untouched, so any binary body survives.
 */
interface FileHeader {
  nullBody?: true;
  key?: { text: string } | { base64: string };
  headers?: Record<string, string>;
}

export function encodeMessageFile(message: RawMessage): Buffer {
  const header: FileHeader = {};
  if (message.body === null) header.nullBody = true;
  if (typeof message.key === "string") header.key = { text: message.key };
  else if (message.key !== undefined)
    header.key = { base64: Buffer.from(message.key).toString("base64") };
  if (message.headers !== undefined) header.headers = message.headers;
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, message.body ?? new Uint8Array(0)]);
}

export function decodeMessageFile(file: Buffer): RawMessage {
  const headerEnd = 4 + file.readUInt32BE(0);
  const header = JSON.parse(file.subarray(4, headerEnd).toString("utf8")) as FileHeader;
  const message: RawMessage = {
    body: header.nullBody ? null : new Uint8Array(file.subarray(headerEnd)),
  };
  if (header.key !== undefined) {
    message.key =
      "text" in header.key
        ? header.key.text
        : new Uint8Array(Buffer.from(header.key.base64, "base64"));
  }
  if (header.headers !== undefined) message.headers = header.headers;
  return message;
}
