import type { RawMessage } from "./connector.js";

/**
 * What a handler receives. Core decodes the body on the first read of `payload` or
 * `rwResendTimes` (so a handler that changes `raw.body` in place before that changes them
 * too). They are getters: `{ ...message }`, `structuredClone` and `toEqual` against a plain
 * object see only `queueName` and `raw`; read the fields, or use `JSON.stringify`.
 */
export interface Message {
  /** The queue this message was taken from. */
  readonly queueName: string;
  /** The body as text; for a resent message, the payload inside the resend envelope. */
  readonly payload: string;
  /** How many times this message was resent (0 for a fresh message). */
  readonly rwResendTimes: number;
  /** The message as the connector delivered it: bytes, key, headers. */
  readonly raw: RawMessage;
}
