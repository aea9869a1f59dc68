import type { RawMessage } from "./connector.js";
import type { DeadLetterReason } from "./events.js";
import type { Message } from "./message.js";

/**
 * The resend envelope shared with Python romeways: `{"payload": <string>, "rw_resend_times": <n>}`,
 * serialised exactly as Python's `json.dumps` does, so both can work on one queue.
 */
export interface DecodedBody {
  payload: string;
  rwResendTimes: number;
}

const textDecoder = new TextDecoder("utf-8", { fatal: false });
const textEncoder = new TextEncoder();

/** Decodes a body as the seed does; undecodable bytes become text with U+FFFD, never an error. */
export function decodeBody(body: Uint8Array): DecodedBody {
  const text = textDecoder.decode(body);
  // Only a JSON object naming the counter can be an envelope: an ordinary JSON payload is
  // not parsed twice (once here, once by its handler).
  if (text.charCodeAt(0) === 0x7b /* { */ && text.includes('"rw_resend_times"')) {
    const envelope = parseEnvelope(text);
    if (envelope !== undefined) return envelope;
  }
  return { payload: text, rwResendTimes: 0 };
}

/** The body of a resend: the envelope with the counter one higher. */
export function encodeResend(payload: string, rwResendTimes: number): Uint8Array {
  return textEncoder.encode(pythonJsonDumps({ payload, rw_resend_times: rwResendTimes }));
}

/** A resend of `raw` keeps its key and headers and carries the envelope as body. */
export function resendOf(raw: RawMessage, payload: string, rwResendTimes: number): RawMessage {
  const resent: RawMessage = { body: encodeResend(payload, rwResendTimes) };
  if (raw.key !== undefined) resent.key = raw.key;
  if (raw.headers !== undefined) resent.headers = { ...raw.headers };
  return resent;
}

/** A dead letter keeps the body and key as they came, and says why in its headers. */
export function deadLetterOf(
  message: Message,
  sourceQueue: string,
  reason: DeadLetterReason,
  error: Error,
): RawMessage {
  const { raw } = message;
  const dead: RawMessage = {
    body: raw.body,
    headers: {
      ...raw.headers,
      "x-romeways-dead-letter-reason": reason,
      "x-romeways-error": error.message.slice(0, 1_000),
      "x-romeways-source-queue": sourceQueue,
      "x-romeways-resend-times": String(message.rwResendTimes),
    },
  };
  if (raw.key !== undefined) dead.key = raw.key;
  return dead;
}

function parseEnvelope(text: string): DecodedBody | undefined {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof content !== "object" || content === null || Array.isArray(content)) return undefined;
  if (!("payload" in content) || !("rw_resend_times" in content)) return undefined;
  const { payload, rw_resend_times: times } = content as Record<string, unknown>;
  if (!Number.isSafeInteger(times) || (times as number) < 0) return undefined;
  return {
    payload: typeof payload === "string" ? payload : pythonJsonDumps(payload),
    rwResendTimes: times as number,
  };
}

/** `json.dumps` with Python's defaults: `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return escapeNonAscii(JSON.stringify(value));
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${pythonJsonDumps(key)}: ${pythonJsonDumps(item)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return "null";
}

function escapeNonAscii(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
