import type { RawMessage } from "./connector.js";
import { RomewaysError } from "./errors/index.js";
import { romewaysHeaders } from "./message-headers.js";
import {
  maxIntDigits,
  type PyDict,
  type PyValue,
  pyJsonDumps,
  pyJsonLoads,
} from "./python-json.js";
import { pyDecodeUtf8, pyJsonText } from "./python-text.js";

/** A JSON value as `JSON.parse` gives it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * A body read as Python romeways reads it (`Message.from_message`): a JSON object with the keys
 * `rw_resend_times` and `payload` is a resend envelope; any other body is UTF-8 text.
 */
export interface DecodedBody {
  /**
   * Python's `Message.payload` as text: the payload of an envelope when it is a string, else its
   * JSON as Python's `json.dumps` writes it (Python itself turns an object payload into that
   * text; a list, number, boolean or null payload it keeps as a value); the body's text when
   * the body is no envelope.
   */
  readonly payload: string;
  /** The payload as a JSON value (the text itself for a body that is no envelope). */
  readonly payloadValue: JsonValue;
  /** Python's `Message.rw_resend_times` as a number: 0 for a body that is no envelope. */
  readonly rwResendTimes: number;
}

const resendTimesHeader = romewaysHeaders.resendTimes;

/**
 * What Python's `Message.from_message` holds for a body, kept as Python values so that a resend
 * writes them back exactly. `readable` is false where Python raises (bytes that are not UTF-8):
 * core still hands such a body to the handler, as text with U+FFFD, and resends its bytes as
 * they are.
 */
export interface PythonMessage {
  /** Python's `Message.payload`: what a resend writes back (an object payload as its JSON text). */
  readonly payload: PyValue;
  /** The envelope's payload as it came (an object stays an object); the text for no envelope. */
  readonly payloadValue: PyValue;
  readonly counter: PyValue;
  readonly isEnvelope: boolean;
  readonly readable: boolean;
}

const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const textEncoder = new TextEncoder();

/** `Message.from_message(body)`, for every body; never throws. */
export function readPythonMessage(
  body: Uint8Array,
  headers?: RawMessage["headers"],
): PythonMessage {
  const envelope = couldBeEnvelope(body) ? readEnvelope(body) : undefined;
  if (envelope?.isEnvelope === true) return envelope;
  const text = pyDecodeUtf8(body);
  const counter = envelope?.counter ?? 0n;
  if (text !== undefined) {
    return { payload: text, payloadValue: text, counter, isEnvelope: false, readable: true };
  }
  const lenient = textDecoder.decode(body);
  return {
    payload: lenient,
    payloadValue: lenient,
    counter: binaryResendTimes(headers) ?? counter,
    isEnvelope: false,
    readable: false,
  };
}

/** Reads a body as a handler sees it: payload text, payload value and counter. */
export function decodeBody(body: Uint8Array, headers?: RawMessage["headers"]): DecodedBody {
  return decodedView(readPythonMessage(body, headers));
}

/** The handler's view of a `PythonMessage`. */
function decodedView(message: PythonMessage): DecodedBody {
  return {
    payload: payloadText(message.payload),
    payloadValue: toJsonValue(message.payloadValue),
    rwResendTimes: counterNumber(message.counter),
  };
}

/** Python's `Message.payload` as a string: the string itself, else its `json.dumps`. */
export function payloadText(payload: PyValue): string {
  return typeof payload === "string" ? payload : pyJsonDumps(payload);
}

/**
 * The body Python romeways writes when it resends `body`:
 * `Message.from_message(body).raise_resend_counter().to_json()`, byte for byte. Throws a
 * `RomewaysError` where Python raises (a counter that is not a number, bytes that are not UTF-8).
 */
export function encodeResend(body: Uint8Array): Uint8Array {
  const message = readPythonMessage(body);
  if (!message.readable) {
    throw new RomewaysError(
      "ROMEWAYS_RESEND_NOT_UTF8",
      "the body is not UTF-8, so it has no resend envelope (Python romeways cannot read it either)",
    );
  }
  return envelopeBytes(message.payload, raisedCounter(message.counter));
}

/**
 * A resend of `raw`: the envelope with the counter one higher, key and headers kept. A body
 * that is not UTF-8 keeps its bytes, and the counter goes in the `x-romeways-resend-times` header.
 */
export function resendOf(
  raw: RawMessage & { body: Uint8Array },
  message: PythonMessage,
  extraHeaders?: Record<string, string>,
): RawMessage {
  const counter = raisedCounter(message.counter);
  const resent: RawMessage = message.readable
    ? { body: envelopeBytes(message.payload, counter) }
    : { body: raw.body, headers: { ...raw.headers, [resendTimesHeader]: pyJsonDumps(counter) } };
  if (raw.key !== undefined) resent.key = raw.key;
  if (raw.headers !== undefined || extraHeaders !== undefined) {
    resent.headers = { ...(resent.headers ?? raw.headers), ...extraHeaders };
  }
  return resent;
}

/**
 * Python's `raise_resend_counter`: an int or a float grows by one (a bool counts as an int);
 * anything else makes Python raise `TypeError`, and this throws a `RomewaysError` instead.
 */
export function raisedCounter(counter: PyValue): bigint | number {
  if (typeof counter === "bigint") {
    const raised = counter + 1n;
    // Python's json.dumps refuses (ValueError) an int of more digits than it may parse.
    if (raised.toString().replace("-", "").length > maxIntDigits) {
      throw new RomewaysError(
        "ROMEWAYS_RESEND_COUNTER",
        `the message's rw_resend_times plus one has more than ${maxIntDigits} digits, more than Python writes`,
      );
    }
    return raised;
  }
  if (typeof counter === "number") return counter + 1;
  if (typeof counter === "boolean") return counter ? 2n : 1n;
  throw new RomewaysError(
    "ROMEWAYS_RESEND_COUNTER",
    `the message's rw_resend_times is ${pyJsonDumps(counter)}, not a number, so it cannot be raised for a resend (Python romeways raises TypeError here)`,
  );
}

// Only a body whose JSON is an object naming the counter can be an envelope: anything else is
// not parsed at all. The key may be spelled with \u escapes, so a body with none of those and
// without the plain key is text. Bodies with NUL bytes or a BOM may be UTF-16 or UTF-32 JSON.
function couldBeEnvelope(body: Uint8Array): boolean {
  let at = 0;
  const [b0, b1] = body;
  if (b0 === 0 || b1 === 0 || b0 === 0xfe || b0 === 0xff) return true;
  if (b0 === 0xef && b1 === 0xbb && body[2] === 0xbf) at = 3;
  while (isJsonSpace(body[at])) at++;
  if (body[at] !== 0x7b /* { */) return false;
  const view = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return view.includes(counterKey, at) || view.includes(unicodeEscape, at);
}

const counterKey = Buffer.from("rw_resend_times");
const unicodeEscape = Buffer.from("\\u");

function isJsonSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The envelope branch of `from_message`; undefined when Python falls back to the body's text. */
function readEnvelope(body: Uint8Array): PythonMessage | undefined {
  const text = pyJsonText(body);
  if (text === undefined) return undefined;
  let content: PyValue;
  try {
    content = pyJsonLoads(text);
  } catch {
    // A JSONDecodeError makes Python fall back to the text. The errors Python does not catch
    // (too many digits, too deep) make it unable to read the message; core reads it as text.
    return undefined;
  }
  if (!(content instanceof Map)) return undefined;
  const counter = content.get("rw_resend_times");
  if (counter === undefined) return undefined;
  const payload = content.get("payload");
  // Python reads the counter before the payload: without a payload, the counter stays.
  if (payload === undefined) {
    return { payload: "", payloadValue: "", counter, isEnvelope: false, readable: true };
  }
  return {
    payload: payload instanceof Map ? pyJsonDumps(payload) : payload,
    payloadValue: payload,
    counter,
    isEnvelope: true,
    readable: true,
  };
}

function envelopeBytes(payload: PyValue, counter: PyValue): Uint8Array {
  const envelope: PyDict = new Map([
    ["payload", payload],
    ["rw_resend_times", counter],
  ]);
  return textEncoder.encode(pyJsonDumps(envelope));
}

function binaryResendTimes(headers: RawMessage["headers"]): bigint | undefined {
  const value = headers?.[resendTimesHeader];
  return value !== undefined && /^(0|[1-9][0-9]{0,17})$/.test(value) ? BigInt(value) : undefined;
}

/** The counter as a header writes it: a bool as 0 or 1, a number in Python's spelling. */
export function counterText(counter: PyValue): string {
  if (typeof counter === "boolean") return counter ? "1" : "0";
  return pyJsonDumps(counter);
}

/** `rw_resend_times` as a number: a bool counts as 0 or 1; a counter that is no number, as 0. */
export function counterNumber(counter: PyValue): number {
  if (typeof counter === "bigint" || typeof counter === "number") return Number(counter);
  if (typeof counter === "boolean") return counter ? 1 : 0;
  return 0;
}

/** A Python value as `JSON.parse` would give it (a big int loses digits, as there). */
export function toJsonValue(value: PyValue): JsonValue {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) {
    // fromEntries defines own properties: a "__proto__" key stays a key, as in JSON.parse.
    return Object.fromEntries([...value].map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}
