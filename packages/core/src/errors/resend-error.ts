import { RomewaysError } from "./romeways-error.js";

const brand = Symbol.for("romeways.error.resend");

/**
 * Throw from a handler to put the message back on its queue with `rwResendTimes + 1`
 * (the seed's `ResendException`).
 */
export class ResendError extends RomewaysError {
  readonly [brand] = true;

  constructor(message = "handler asked for a resend", options?: ErrorOptions) {
    super("ROMEWAYS_RESEND", message, options);
    this.name = "ResendError";
  }

  static override isInstance(value: unknown): value is ResendError {
    return typeof value === "object" && value !== null && brand in value;
  }
}
