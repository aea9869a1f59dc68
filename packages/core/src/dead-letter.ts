import type { RawMessage } from "./connector.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { counterText, payloadText } from "./envelope.js";
import { errorFields, InvalidPayloadError } from "./errors/index.js";
import { issuePath } from "./errors/invalid-payload-error.js";
import type { DeadLetterReason } from "./events.js";
import { romewaysHeaders } from "./message-headers.js";

const textEncoder = new TextEncoder();

/**
 * A dead letter: the payload the producer sent (unwrapped from any resend envelope, so a replay
 * starts it afresh) and the key; its headers say why, after how many resends, since when, and
 * with which last handler error.
 */
export function deadLetterOf(
  message: DeliveredMessage,
  sourceQueue: string,
  reason: DeadLetterReason,
  error: Error,
  nowMs: number,
): RawMessage {
  const { raw, python } = message;
  const deadLetteredAt = new Date(nowMs).toISOString();
  const lastError = errorFields(error);
  const dead: RawMessage = {
    body: python.isEnvelope ? textEncoder.encode(payloadText(python.payload)) : raw.body,
    headers: {
      ...withoutNotBefore(raw.headers),
      [romewaysHeaders.deadLetterReason]: reason,
      [romewaysHeaders.errorName]: lastError.name,
      [romewaysHeaders.error]: lastError.message,
      [romewaysHeaders.sourceQueue]: sourceQueue,
      [romewaysHeaders.resendTimes]: counterText(python.counter),
      [romewaysHeaders.firstSeen]: raw.headers?.[romewaysHeaders.firstSeen] ?? deadLetteredAt,
      [romewaysHeaders.deadLetteredAt]: deadLetteredAt,
    },
  };
  if (InvalidPayloadError.isInstance(error)) {
    (dead.headers as Record<string, string>)[romewaysHeaders.issues] = issuesHeader(error);
  }
  if (raw.key !== undefined) dead.key = raw.key;
  return dead;
}

/** Headers a resend carries on top of the message's own: since when it fails, and when it is due. */
export function resendHeaders(
  raw: RawMessage,
  firstSeenMs: number,
  notBeforeMs: number | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    [romewaysHeaders.firstSeen]:
      raw.headers?.[romewaysHeaders.firstSeen] ?? new Date(firstSeenMs).toISOString(),
  };
  if (notBeforeMs !== undefined)
    headers[romewaysHeaders.notBefore] = String(Math.round(notBeforeMs));
  return headers;
}

/**
 * A dead letter made a fresh message of its source queue again: same body and key, romeways'
 * dead-letter headers removed, the first-seen time kept and the replay time added.
 */
export function replayOf(deadLetter: RawMessage, nowMs: number): RawMessage {
  const headers: Record<string, string> = {};
  const dropped = new Set<string>([
    romewaysHeaders.deadLetterReason,
    romewaysHeaders.errorName,
    romewaysHeaders.error,
    romewaysHeaders.sourceQueue,
    romewaysHeaders.resendTimes,
    romewaysHeaders.deadLetteredAt,
    romewaysHeaders.notBefore,
    romewaysHeaders.issues,
  ]);
  for (const [name, value] of Object.entries(deadLetter.headers ?? {})) {
    if (!dropped.has(name)) headers[name] = value;
  }
  headers[romewaysHeaders.replayedAt] = new Date(nowMs).toISOString();
  const replay: RawMessage = { body: deadLetter.body, headers };
  if (deadLetter.key !== undefined) replay.key = deadLetter.key;
  return replay;
}

/** At most 20 issues, so that the header stays small. */
function issuesHeader(error: InvalidPayloadError): string {
  const issues = error.issues
    .slice(0, 20)
    .map((issue) => ({ path: issuePath(issue), message: issue.message }));
  return JSON.stringify(issues);
}

function withoutNotBefore(headers: RawMessage["headers"]): RawMessage["headers"] {
  if (headers === undefined || !(romewaysHeaders.notBefore in headers)) return headers;
  const { [romewaysHeaders.notBefore]: _, ...rest } = headers;
  return rest;
}
