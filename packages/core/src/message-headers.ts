/** The headers romeways writes on resends and dead letters. */
export const romewaysHeaders = {
  /** The counter of a resent body that is not UTF-8 (it has no envelope), and of a dead letter. */
  resendTimes: "x-romeways-resend-times",
  /** Epoch milliseconds before which a resent message is not handled (`resendDelayMs`). */
  notBefore: "x-romeways-not-before",
  /** When core first failed to handle the message (ISO 8601), kept through its resends. */
  firstSeen: "x-romeways-first-seen",
  /** Why a dead letter landed: `max-resends`, `failed` or `timeout`. */
  deadLetterReason: "x-romeways-dead-letter-reason",
  /** The last handler error's name. */
  errorName: "x-romeways-error-name",
  /** The last handler error's message (at most 1,000 characters). */
  error: "x-romeways-error",
  /** Of a dead letter with reason `invalid`: the schema's issues, JSON `[{ path, message }]`. */
  issues: "x-romeways-issues",
  /** The queue a dead letter came from. */
  sourceQueue: "x-romeways-source-queue",
  /** When the message was dead-lettered (ISO 8601). */
  deadLetteredAt: "x-romeways-dead-lettered-at",
  /** When a dead letter was put back on its queue (ISO 8601). */
  replayedAt: "x-romeways-replayed-at",
} as const;
