import { RomewaysError } from "./romeways-error.js";

const brand = Symbol.for("romeways.error.config");

/** Where a bad setting was found; every field that is known is named in the message. */
export interface ConfigErrorContext {
  queueName?: string;
  connectorName?: string;
  field?: string;
}

/** Invalid configuration, thrown at registration or by `start()`. */
export class ConfigError extends RomewaysError {
  readonly [brand] = true;
  readonly queueName: string | undefined;
  readonly connectorName: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, context: ConfigErrorContext = {}) {
    super("ROMEWAYS_CONFIG", `${describeContext(context)}${message}`);
    this.name = "ConfigError";
    this.queueName = context.queueName;
    this.connectorName = context.connectorName;
    this.field = context.field;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return typeof value === "object" && value !== null && brand in value;
  }
}

function describeContext({ queueName, connectorName, field }: ConfigErrorContext): string {
  const parts: string[] = [];
  if (queueName !== undefined) parts.push(`queue "${queueName}"`);
  if (connectorName !== undefined) parts.push(`connector "${connectorName}"`);
  if (field !== undefined) parts.push(`field "${field}"`);
  return parts.length > 0 ? `${parts.join(", ")}: ` : "";
}

/** Throws a `ConfigError` naming `field` and the queue and connector it belongs to. */
export type ConfigFailure = (field: string, message: string) => never;

/**
 * The `fail(field, message)` a config check calls, bound to its queue and connector. The
 * connector name is taken only when it is a string: the config being checked may be anything.
 */
export function configFailure(queueName: string, connectorName: unknown): ConfigFailure {
  return (field, message) => {
    throw new ConfigError(message, {
      queueName,
      connectorName: typeof connectorName === "string" ? connectorName : undefined,
      field,
    });
  };
}
