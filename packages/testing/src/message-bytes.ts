import type { RawMessage } from "@romeways/core";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** The UTF-8 bytes of `value`: what a body or a key is made of. */
export const bytes = (value: string): Uint8Array => textEncoder.encode(value);

/** A message's body as UTF-8 text; `"<null body>"` for a message without one (a tombstone). */
export const bodyText = (message: RawMessage): string =>
  message.body === null ? "<null body>" : textDecoder.decode(message.body);

/** Same bytes, whatever the container (Uint8Array, Buffer, a text key). */
export function sameBytes(
  actual: Uint8Array | string | null | undefined,
  expected: Uint8Array | string,
): boolean {
  if (actual === null || actual === undefined) return false;
  const want = typeof expected === "string" ? bytes(expected) : expected;
  return Buffer.from(typeof actual === "string" ? bytes(actual) : actual).equals(want);
}

/** The first 20 bodies of `messages` as JSON text, for a failure message. */
export function describeBodies(messages: RawMessage[]): string {
  return JSON.stringify(messages.slice(0, 20).map(bodyText)) + (messages.length > 20 ? "…" : "");
}
