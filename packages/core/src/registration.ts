import type { Clock } from "./clock.js";
import type { ConnectorClass, ConnectorConfig } from "./connector.js";
import { ConfigError } from "./errors/index.js";
import type { RomewaysEmitter } from "./events.js";
import type { Handler } from "./handler-call.js";
import type { Logger } from "./logger.js";
import type { QueueConfig, ResolvedQueueConfig } from "./queue-config.js";
import {
  type ConnectorTypeMap,
  getRegisteredConnector,
  registeredConnectorNames,
} from "./registry.js";

export interface RomewaysOptions {
  /** pino or any logger of that shape. Default: console, warnings and errors only. */
  logger?: Logger;
  /** How long `stop()` waits for in-flight handlers before giving up on them. Default 30 000. */
  shutdownTimeoutMs?: number;
  /** Stop gracefully on SIGINT/SIGTERM once started. Default true. */
  handleSignals?: boolean;
  /** Time source of the poll loops; `@romeways/testing` passes a virtual clock. */
  clock?: Clock;
}

type ConfigOf<K extends keyof ConnectorTypeMap> = ConnectorTypeMap[K] extends {
  connectorConfig: infer C;
}
  ? C
  : ConnectorConfig;

export interface RegisterCommon {
  /** Run this connector's consumers in worker processes. */
  spawnProcess?: boolean;
  /** How many worker processes with `spawnProcess`. Default 1. */
  workers?: number;
}

/** `connectorRegister` by the name a connector package registered. */
export type RegisterByName<K extends keyof ConnectorTypeMap> = RegisterCommon & {
  connector: K;
  config: ConfigOf<K>;
};

/** `connectorRegister` with the connector class itself. */
export type RegisterByClass<C extends ConnectorConfig> = RegisterCommon & {
  connector: ConnectorClass<C, never>;
  config: C;
};

export interface QueueConsumerRegistration {
  readonly queueName: string;
  readonly config: ResolvedQueueConfig;
  readonly handler: Handler;
}

export interface ConnectorRegistration {
  readonly connectorName: string;
  readonly connector: ConnectorClass;
  readonly config: ConnectorConfig;
  readonly spawnProcess: boolean;
  readonly workers: number;
}

export interface Romeways {
  /** Lifecycle and message events. */
  readonly events: RomewaysEmitter;
  /** True in a worker process started for a `spawnProcess` connector. */
  readonly isWorker: boolean;
  /** What was registered, in registration order. */
  readonly registrations: {
    readonly consumers: readonly QueueConsumerRegistration[];
    readonly connectors: readonly ConnectorRegistration[];
  };
  /** Registers `handler` for `queueName` (Python romeways' `queue_consumer`); returns the handler. */
  queueConsumer<Q extends QueueConfig, H extends Handler>(
    queueName: string,
    config: Q,
    handler: H,
  ): H;
  /** Registers a connector (Python romeways' `connector_register`). */
  connectorRegister<K extends keyof ConnectorTypeMap>(options: RegisterByName<K>): void;
  connectorRegister<C extends ConnectorConfig>(options: RegisterByClass<C>): void;
  /** Starts every connector and poll loop; resolves once all are running. */
  start(): Promise<void>;
  /** Stops polling, drains in-flight handlers, acknowledges, closes connectors. */
  stop(): Promise<void>;
}

/** Checks a `connectorRegister` call and resolves a connector name to its class. */
export function checkConnectorRegistration(
  options: RegisterCommon & { connector: unknown; config: ConnectorConfig },
): ConnectorRegistration {
  const connectorName = options?.config?.connectorName;
  if (typeof connectorName !== "string" || connectorName.length === 0) {
    throw new ConfigError("set config.connectorName, the name queue configs refer to", {
      field: "config.connectorName",
    });
  }
  const connector = resolveConnectorClass(options.connector, connectorName);
  const spawnProcess = options.spawnProcess ?? false;
  const workers = options.workers ?? 1;
  if (typeof spawnProcess !== "boolean") {
    throw new ConfigError("spawnProcess must be true or false", {
      connectorName,
      field: "spawnProcess",
    });
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError(`workers must be an integer >= 1, got ${String(workers)}`, {
      connectorName,
      field: "workers",
    });
  }
  return { connectorName, connector, config: options.config, spawnProcess, workers };
}

function resolveConnectorClass(connector: unknown, connectorName: string): ConnectorClass {
  if (typeof connector === "function") return connector as ConnectorClass;
  if (typeof connector === "string") {
    const registered = getRegisteredConnector(connector);
    if (registered !== undefined) return registered;
    const known =
      registeredConnectorNames()
        .map((n) => `"${n}"`)
        .join(", ") || "none";
    throw new ConfigError(
      `unknown connector "${connector}" (registered: ${known}); import its package first, e.g. import "@romeways/connector-${connector}"`,
      { connectorName, field: "connector" },
    );
  }
  throw new ConfigError("connector must be a connector class or a registered connector name", {
    connectorName,
    field: "connector",
  });
}
