import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ConnectorClass, ConnectorConfig } from "./connector.js";
import type { Message } from "./message.js";
import type { PayloadData } from "./payload-schema.js";
import type { QueueConfig } from "./queue-config.js";
import type { ConnectorName, ConnectorTypeMap } from "./registry.js";

/**
 * Compile-time config checking. Every config a user writes is checked against exactly one
 * connector's config type, never a type parameter inferred from the literal itself (which
 * accepted any object): so a typo or a missing field is an error naming the field, and the
 * editor completes the connector's fields.
 */

/** Any connector class, whatever its configs (constructor parameters are contravariant). */
export type AnyConnectorClass = ConnectorClass<never, never>;

/** What `connectorRegister({ connector })` takes: a registered name or a connector class. */
export type ConnectorRef = ConnectorName | AnyConnectorClass;

/** The connector config type of a registered connector name or of a connector class. */
export type ConnectorConfigOf<K> = K extends keyof ConnectorTypeMap
  ? ConnectorTypeMap[K] extends { connectorConfig: infer C extends ConnectorConfig }
    ? C
    : ConnectorConfig
  : K extends ConnectorClass<infer C, infer _Q>
    ? C
    : ConnectorConfig;

/** The queue config type of a registered connector name or of a connector class. */
export type QueueConfigOf<K> = K extends keyof ConnectorTypeMap
  ? ConnectorTypeMap[K] extends { queueConfig: infer Q extends QueueConfig }
    ? Q
    : QueueConfig
  : K extends ConnectorClass<infer _C, infer Q>
    ? Q
    : QueueConfig;

/**
 * Which connector serves which `connectorName` in an app, for `createRomeways<Connectors>()`:
 * a registered name (`"kafka"`) or a queue config type (`MyQueueConfig`) per connectorName.
 */
export type AppConnectors = Record<string, ConnectorName | QueueConfig>;

/** Connector names of no app-wide map: `createRomeways()` without a type argument. */
export type NoAppConnectors = Record<never, never>;

type QueueConfigFor<T> = T extends QueueConfig ? T : QueueConfigOf<T>;

/** The fields a queue config declares itself; `schema` and `decode` come from the call. */
type OwnQueueFields<Q> = Omit<Q, "connectorName" | "schema" | "decode">;

/** `schema` and `decode`, as the call infers them (so the handler's `message.data` is typed). */
export interface PayloadFields<S, D> {
  schema?: S;
  decode?: (payload: string) => D;
}

/** The queue config a connector handle's `queueConsumer` takes: connectorName is implied. */
export type HandleQueueConfig<Q, N extends string, S, D> = OwnQueueFields<Q> & {
  /** Implied by the handle; if given, it must be the handle's. */
  connectorName?: N;
} & PayloadFields<S, D>;

/**
 * The queue config `romeways.queueConsumer(queueName, config, handler)` takes. With an app-wide
 * map (`createRomeways<{ "kafka-main": "kafka" }>()`), the connectorName picks the connector's
 * config: a discriminated union, so every field is checked as on a handle. Without one, a
 * config of any connector in `ConnectorTypeMap` (or a plain `QueueConfig` when none is): typos
 * are errors, required fields of one connector are not (use a handle for those).
 */
export type AppQueueConfig<Cs, S, D> = (keyof Cs extends never
  ? AnyKnownQueueConfig
  : {
      [N in keyof Cs & string]: OwnQueueFields<QueueConfigFor<Cs[N]>> & { connectorName: N };
    }[keyof Cs & string]) &
  PayloadFields<S, D>;

type AnyKnownQueueConfig = keyof ConnectorTypeMap extends never
  ? OwnQueueFields<QueueConfig> & { connectorName: string }
  : {
      [K in keyof ConnectorTypeMap]: OwnQueueFields<QueueConfigOf<K>> & { connectorName: string };
    }[keyof ConnectorTypeMap];

/** A handler of a queue whose `message.data` is `PayloadData<S, D>`. */
export type QueueHandler<S = undefined, D = unknown> = (
  message: Message<PayloadData<S, D>>,
) => unknown;

/** Keeps `schema` a Standard Schema when it is set. */
export type SchemaParam = StandardSchemaV1 | undefined;
