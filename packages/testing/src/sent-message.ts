import { decodeBody, type JsonValue, type RawMessage } from "@romeways/core";

/** What a test may publish: text (sent as UTF-8), bytes, or a whole message with key and headers. */
export type Publishable = string | Uint8Array | RawMessage;

/** A message a connector sent (a resend, a dead letter), decoded as a handler would see it. */
export interface SentMessage {
  /** The body as text (the payload inside a resend envelope); null for a message without a body. */
  payload: string | null;
  /** The payload as a JSON value (see `Message.payloadValue`); null for a message without a body. */
  payloadValue: JsonValue;
  rwResendTimes: number;
  raw: RawMessage;
}

/**
 * A message in a dead-letter queue, with what core wrote about why it landed there. Its body is
 * the payload the producer sent (unwrapped from any resend envelope); `rwResendTimes` is how often
 * it was resent (header `x-romeways-resend-times`).
 */
export interface DeadLetter extends SentMessage {
  /** "max-resends" or "failed" (header `x-romeways-dead-letter-reason`). */
  reason: string;
  /** The error message (header `x-romeways-error`). */
  error: string | undefined;
  /** The queue the message came from (header `x-romeways-source-queue`). */
  sourceQueue: string | undefined;
}

const textEncoder = new TextEncoder();

export function toRawMessage(message: Publishable): RawMessage {
  if (typeof message === "string") return { body: textEncoder.encode(message) };
  if (message instanceof Uint8Array) return { body: message };
  return message;
}

export function decodeSent(raw: RawMessage): SentMessage {
  if (raw.body === null) return { payload: null, payloadValue: null, rwResendTimes: 0, raw };
  const { payload, payloadValue, rwResendTimes } = decodeBody(raw.body, raw.headers);
  return { payload, payloadValue, rwResendTimes, raw };
}

/** A sent message read as a dead letter; undefined when core did not send it as one. */
export function decodeDeadLetter(raw: RawMessage): DeadLetter | undefined {
  const headers = raw.headers ?? {};
  const reason = headers["x-romeways-dead-letter-reason"];
  if (reason === undefined) return undefined;
  const resendTimes = Number(headers["x-romeways-resend-times"]);
  return {
    ...decodeSent(raw),
    // The body is the payload unwrapped: the counter travels in a header.
    ...(Number.isFinite(resendTimes) ? { rwResendTimes: resendTimes } : {}),
    reason,
    error: headers["x-romeways-error"],
    sourceQueue: headers["x-romeways-source-queue"],
  };
}
