import { createHash } from "node:crypto";
import { type Msg, type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import type { RawMessage } from "@romeways/core";

/** What a handler finds in `message.raw`: the `RawMessage` plus where JetStream has it. */
export interface NatsRawMessage extends RawMessage {
  /** The subject it was published to. */
  readonly subject: string;
  /** The stream holding it. */
  readonly stream: string;
  /** Its sequence number in the stream. */
  readonly streamSequence: number;
  /** How many times JetStream delivered it, this time included: 1 the first time. */
  readonly deliveryCount: number;
  /** Its `Nats-Msg-Id`, if it had one (taken out of `headers`, so a resend gets its own). */
  readonly msgId?: string;
}

// A key travels as a header: NATS messages have none. Text as it is, bytes as base64.
const keyHeader = "x-romeways-key";
const binaryKeyHeader = "x-romeways-key-base64";
// RawMessage allows a message without a body (a Kafka tombstone); NATS bodies are never null.
const noBodyHeader = "x-romeways-no-body";
const msgIdHeader = "Nats-Msg-Id";
const ownHeaders = new Set([keyHeader, binaryKeyHeader, noBodyHeader, msgIdHeader]);

/** The NATS headers and `Nats-Msg-Id` of a message to publish. */
export function toNats(
  message: RawMessage,
  deduplicate: boolean,
): { headers: MsgHdrs | undefined; msgId: string | undefined; body: Uint8Array } {
  const given = message.headers ?? {};
  const names = Object.keys(given);
  const { key } = message;
  if (names.length === 0 && key === undefined && message.body !== null) {
    return { headers: undefined, msgId: undefined, body: message.body };
  }
  const headers = natsHeaders();
  for (const name of names) {
    // Set below from the message itself: a header of the same name must not contradict it.
    if (name === keyHeader || name === binaryKeyHeader || name === noBodyHeader) continue;
    headers.set(name, given[name] as string);
  }
  if (typeof key === "string" && !/[\r\n]/.test(key)) headers.set(keyHeader, key);
  else if (key !== undefined) headers.set(binaryKeyHeader, Buffer.from(key).toString("base64"));
  if (message.body === null) headers.set(noBodyHeader, "true");
  const body = message.body ?? new Uint8Array(0);
  // A Nats-Msg-Id the sender set wins; it is not copied into headers, the option sets it.
  let msgId = given[msgIdHeader];
  if (msgId !== undefined) headers.delete(msgIdHeader);
  else if (deduplicate && key !== undefined) msgId = messageId(key, body, given);
  return { headers, msgId, body };
}

/**
 * The key, and a digest of body and headers: a send retried within the duplicate window
 * (the same message again) is stored once, while a resend, whose envelope counts
 * `rwResendTimes` (or whose header `x-romeways-resend-times` does), and another message with
 * the same key are different messages and are stored.
 */
function messageId(
  key: string | Uint8Array,
  body: Uint8Array,
  headers: Record<string, string>,
): string {
  const hash = createHash("sha256").update(body);
  for (const name of Object.keys(headers).sort()) hash.update(`\0${name}\0${headers[name]}`);
  const keyText = typeof key === "string" ? key : Buffer.from(key).toString("base64");
  return `${keyText.replace(/[\r\n]/g, " ")}:${hash.digest("hex").slice(0, 32)}`;
}

/** The `RawMessage` of a delivered JetStream message; `reply` is its ack subject. */
export function fromNats(msg: Msg, stream: string): NatsRawMessage {
  const info = deliveryInfo(msg.reply ?? "");
  const headers: Record<string, string> = {};
  let key: string | Uint8Array | undefined;
  let msgId: string | undefined;
  let noBody = false;
  if (msg.headers !== undefined) {
    for (const [name, values] of msg.headers) {
      const value = values[0] ?? "";
      if (!ownHeaders.has(name)) headers[name] = value;
      else if (name === keyHeader) key = value;
      else if (name === binaryKeyHeader) key = new Uint8Array(Buffer.from(value, "base64"));
      else if (name === noBodyHeader) noBody = true;
      else msgId = value;
    }
  }
  return {
    body: noBody ? null : msg.data,
    ...(key === undefined ? {} : { key }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    subject: msg.subject,
    stream: info.stream ?? stream,
    streamSequence: info.streamSequence,
    deliveryCount: info.deliveryCount,
    ...(msgId === undefined ? {} : { msgId }),
  };
}

/**
 * What the ack subject tells: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer
 * seq>.<time>.<pending>`, or with `<domain>.<account hash>` after `$JS.ACK` (and a token at the
 * end) on newer servers.
 */
export function deliveryInfo(reply: string): {
  stream?: string;
  deliveryCount: number;
  streamSequence: number;
  pending: number;
} {
  const t = reply.split(".");
  const at = t.length === 9 ? 2 : 4;
  return {
    stream: t[at],
    deliveryCount: Number(t[at + 2]) || 1,
    streamSequence: Number(t[at + 3]) || 0,
    pending: Number(t[at + 6]) || 0,
  };
}
