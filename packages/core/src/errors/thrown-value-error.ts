import { RomewaysError } from "./romeways-error.js";

/** Wraps a value a handler threw that is not an `Error`, so every outcome carries an `Error`. */
export class ThrownValueError extends RomewaysError {
  readonly value: unknown;

  constructor(value: unknown) {
    super("ROMEWAYS_THROWN_VALUE", `handler threw a non-Error value: ${describe(value)}`, {
      cause: value,
    });
    this.name = "ThrownValueError";
    this.value = value;
  }
}

/** The error as thrown if it is one, else wrapped. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new ThrownValueError(thrown);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return String(JSON.stringify(value) ?? value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
