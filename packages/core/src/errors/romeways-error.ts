const brand = Symbol.for("romeways.error");

/**
 * Base class of every error romeways throws. Carries a `Symbol.for` brand so that
 * `RomewaysError.isInstance()` works when two copies of core are loaded (ESM + CJS),
 * where `instanceof` does not.
 */
export class RomewaysError extends Error {
  readonly [brand] = true;
  /** Stable machine-readable code, e.g. `ROMEWAYS_CONFIG`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RomewaysError";
    this.code = code;
  }

  static isInstance(value: unknown): value is RomewaysError {
    return typeof value === "object" && value !== null && brand in value;
  }
}
