import { RomewaysError } from "./romeways-error.js";

const brand = Symbol.for("romeways.error.handler-timeout");

/** A handler ran past its deadline (`handlerTimeoutMs`, or the stop deadline). */
export class HandlerTimeoutError extends RomewaysError {
  readonly [brand] = true;
  /** The deadline the handler passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message = `handler did not settle within ${timeoutMs} ms`) {
    super("ROMEWAYS_HANDLER_TIMEOUT", message);
    this.name = "HandlerTimeoutError";
    this.timeoutMs = timeoutMs;
  }

  static override isInstance(value: unknown): value is HandlerTimeoutError {
    return typeof value === "object" && value !== null && brand in value;
  }

  /** `isInstance` for anything a handler threw: a Proxy whose `has` trap throws is not one. */
  static isInstanceSafe(value: unknown): value is HandlerTimeoutError {
    try {
      return HandlerTimeoutError.isInstance(value);
    } catch {
      return false;
    }
  }
}
