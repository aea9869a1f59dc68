import type { RawMessage } from "./connector.js";
import type { JsonValue } from "./envelope.js";

/**
 * What a handler receives. Core decodes the body as Python romeways does, on the first read of
 * `payload`, `payloadValue` or `rwResendTimes` (so a handler that changes `raw.body` in place
 * before that changes them too). They are getters: `{ ...message }`, `structuredClone` and
 * `toEqual` against a plain object see only `queueName` and `raw`; read the fields, or use
 * `JSON.stringify`.
 */
export interface Message<Data = unknown> {
  /** The queue this message was taken from. */
  readonly queueName: string;
  /**
   * The body as text. For a resent message, the payload inside the resend envelope: a string
   * payload as it is; any other JSON payload (an object, a list, a number, a boolean, null) as
   * Python's `json.dumps` writes it, which is exactly what a Python handler gets for an object.
   * A body that is not UTF-8 is decoded with U+FFFD for the bad bytes (`raw.body` keeps them).
   */
  readonly payload: string;
  /**
   * The payload as a JSON value: the text itself for a body that is no envelope, the envelope's
   * `payload` value otherwise (as `JSON.parse` gives it: integer-like keys come first, an integer
   * beyond 2^53 loses digits; a resend still re-emits the original exactly).
   */
  readonly payloadValue: JsonValue;
  /**
   * The payload decoded (`decode`, default `JSON.parse`) and validated by the queue's `schema`,
   * typed as the schema's output. Undefined on a queue with neither `schema` nor `decode`.
   */
  readonly data: Data;
  /** How many times this message was resent (0 for a fresh message). */
  readonly rwResendTimes: number;
  /** The message as the connector delivered it: bytes, key, headers. */
  readonly raw: RawMessage;
  /**
   * Aborted when the handler should give up: at `handlerTimeoutMs` (the reason is a
   * `HandlerTimeoutError`) and when `stop()` reaches its deadline. Pass it to fetch, database
   * drivers and timers.
   */
  readonly signal: AbortSignal;
}
