import type { ConnectorConfig } from "./connector.js";
import { closestName } from "./did-you-mean.js";
import { ConfigError } from "./errors/index.js";
import type { QueueConfig } from "./queue-config.js";

/** Every field of `T` beyond those of `Base`, each `true`: a missing or extra name is a compile error. */
export type FieldNames<T, Base> = { readonly [K in Exclude<keyof T, keyof Base> & string]-?: true };

/**
 * What a connector declares about its configs, as `static readonly configSpec` of its class.
 * Core checks it at `connectorRegister` and `start()`, and `createTestHarness` checks it too,
 * so a bad config fails a test without a broker. All of it is optional: a connector that
 * declares nothing still works, with only near-misses of core's own fields caught.
 */
export interface ConnectorConfigSpec<
  C extends ConnectorConfig = ConnectorConfig,
  Q extends QueueConfig = QueueConfig,
> {
  /** The connector config's own fields (beyond `connectorName`): any other is a ConfigError. */
  readonly connectorFields?: FieldNames<C, ConnectorConfig>;
  /** The queue config's own fields (beyond `QueueConfig`'s): any other is a ConfigError. */
  readonly queueFields?: FieldNames<Q, QueueConfig>;
  /**
   * Checks both configs as `start()` would, without connecting; throws a `ConfigError` naming
   * the field (e.g. a Kafka queue without `groupId`). Not called for dead-letter queues.
   */
  check?(connectorConfig: C, queueConfig: Q, queueName: string): void;
}

// Every field of QueueConfig: this object stops compiling when one is added without it.
const queueFieldNames: FieldNames<QueueConfig, object> = {
  connectorName: true,
  frequency: true,
  maxChunkSize: true,
  sequential: true,
  maxResends: true,
  deadLetterQueue: true,
  concurrency: true,
  ordering: true,
  resendDelayMs: true,
  resendOn: true,
  handlerTimeoutMs: true,
  maxHeldMessages: true,
  schema: true,
  decode: true,
};
const coreQueueFields = Object.keys(queueFieldNames);
/** Added by `resolveQueueConfig`, not by the user. */
const resolvedOnly = new Set(["scheduling"]);

interface SpecHolder {
  readonly configSpec?: ConnectorConfigSpec<never, never>;
}

interface CheckedConnector {
  readonly connectorName: string;
  readonly connector: SpecHolder;
  readonly config: ConnectorConfig;
}

/** Unknown fields of a connector config, when its connector declares its fields. */
export function checkConnectorFields(connector: SpecHolder, config: ConnectorConfig): void {
  const declared = connector.configSpec?.connectorFields;
  if (declared === undefined) return;
  const known = ["connectorName", ...Object.keys(declared)];
  checkFields(Object.keys(config), known, true, (field, hint) => {
    throw new ConfigError(`unknown field${hint}`, {
      connectorName: config.connectorName,
      field: `config.${field}`,
    });
  });
}

/**
 * Checks one consumer's queue config against its connector, as `start()` does before any
 * connector starts: unknown fields (with a "did you mean"), then the connector's own `check`.
 */
export function checkQueueConfig(
  registration: CheckedConnector,
  queueName: string,
  config: QueueConfig,
): void {
  const spec = registration.connector.configSpec as ConnectorConfigSpec | undefined;
  const declared = spec?.queueFields;
  const known =
    declared === undefined ? coreQueueFields : [...coreQueueFields, ...Object.keys(declared)];
  const fields = Object.keys(config).filter((field) => !resolvedOnly.has(field));
  checkFields(fields, known, declared !== undefined, (field, hint) => {
    throw new ConfigError(`unknown field${hint}`, {
      queueName,
      connectorName: registration.connectorName,
      field,
    });
  });
  spec?.check?.(registration.config, config, queueName);
}

/**
 * `strict`: every field must be known. Otherwise (a connector that declares no fields) only a
 * near-miss of a known field fails, one edit away, since any other name may be the
 * connector's own (`concurrent` is two edits from `concurrency`, and may be meant).
 */
function checkFields(
  fields: string[],
  known: string[],
  strict: boolean,
  fail: (field: string, hint: string) => never,
): void {
  const knownSet = new Set(known);
  for (const field of fields) {
    if (knownSet.has(field)) continue;
    const suggestion = closestName(field, known, strict ? 3 : 1);
    if (suggestion !== undefined) fail(field, `; did you mean "${suggestion}"?`);
    if (strict) fail(field, ` (known: ${known.join(", ")})`);
  }
}
