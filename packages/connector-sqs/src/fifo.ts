import { createHash } from "node:crypto";

// What SQS accepts as a MessageGroupId: 1 to 128 of ASCII letters, digits and punctuation.
const validGroupId = /^[\x21-\x7E]{1,128}$/;

/**
 * The `MessageGroupId` of a message on a FIFO queue: its key when SQS accepts it as one, else a
 * SHA-256 of the key (one key, one group either way), else `fallback` for keyless messages.
 */
export function groupIdOf(key: Uint8Array | string | undefined, fallback: string): string {
  if (key === undefined) return fallback;
  if (typeof key === "string" && validGroupId.test(key)) return key;
  return createHash("sha256").update(key).digest("hex");
}
