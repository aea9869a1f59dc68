import { RomewaysError } from "./romeways-error.js";

/**
 * Wraps what a handler threw when it is not a usable `Error` (a string, an object, an Error
 * whose `message` getter throws, a Proxy whose traps throw), so every outcome carries an
 * `Error` whose fields can be read without throwing.
 */
export class ThrownValueError extends RomewaysError {
  readonly value: unknown;

  constructor(value: unknown) {
    super("ROMEWAYS_THROWN_VALUE", `handler threw ${describe(value)}`, { cause: value });
    this.name = "ThrownValueError";
    this.value = value;
  }
}

/**
 * The error as thrown if it is an `Error` whose name and message read as strings, else wrapped.
 * Never throws, whatever was thrown.
 */
export function toError(thrown: unknown): Error {
  try {
    if (
      thrown instanceof Error &&
      typeof thrown.message === "string" &&
      typeof thrown.name === "string"
    ) {
      return thrown;
    }
  } catch {
    // A Proxy's getPrototypeOf trap, or a getter, threw: it is wrapped below.
  }
  return new ThrownValueError(thrown);
}

/** The name and message of an error, each cut to `max` characters; never throws. */
export function errorFields(error: Error, max = 1_000): { name: string; message: string } {
  try {
    return { name: String(error.name).slice(0, max), message: String(error.message).slice(0, max) };
  } catch {
    return { name: "Error", message: "an error whose name or message cannot be read" };
  }
}

function describe(value: unknown): string {
  try {
    if (value instanceof Error) return "an Error whose name or message cannot be read";
  } catch {
    return "a value whose prototype cannot be read";
  }
  if (typeof value === "string") return `a non-Error value: ${JSON.stringify(value)}`;
  try {
    return `a non-Error value: ${String(JSON.stringify(value) ?? value)}`;
  } catch {
    try {
      return `a non-Error value: ${Object.prototype.toString.call(value)}`;
    } catch {
      return `a non-Error value of type ${typeof value}`;
    }
  }
}
