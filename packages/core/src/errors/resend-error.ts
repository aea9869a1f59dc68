import { RomewaysError } from "./romeways-error.js";

const brand = Symbol.for("romeways.error.resend");

export interface ResendErrorOptions extends ErrorOptions {
  /** Milliseconds before the message is handled again; overrides the queue's `resendDelayMs`. */
  delayMs?: number;
}

/**
 * Throw from a handler to put the message back on its queue with `rwResendTimes + 1`
 * (Python romeways' `ResendException`), after the queue's `resendDelayMs` or `delayMs`.
 */
export class ResendError extends RomewaysError {
  readonly [brand] = true;
  /** This resend's own delay, if the handler gave one. */
  readonly delayMs: number | undefined;

  constructor(message = "handler asked for a resend", options?: ResendErrorOptions) {
    super("ROMEWAYS_RESEND", message, options);
    this.name = "ResendError";
    this.delayMs = options?.delayMs;
  }

  static override isInstance(value: unknown): value is ResendError {
    return typeof value === "object" && value !== null && brand in value;
  }
}
