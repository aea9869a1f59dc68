import type { RawMessage } from "./connector.js";

/**
 * What a handler receives. Core decodes the body on the first read of `payload` or
 * `rwResendTimes`, so `{ ...message }` copies only `queueName` and `raw`: read the fields.
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
