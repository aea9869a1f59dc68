import type { Clock } from "./clock.js";
import { checkConnectorFields } from "./config-spec.js";
import type {
  AppConnectors,
  AppQueueConfig,
  ConnectorConfigOf,
  ConnectorRef,
  NoAppConnectors,
  QueueConfigOf,
  QueueHandler,
  SchemaParam,
} from "./config-types.js";
import type { ConnectorClass, ConnectorConfig } from "./connector.js";
import type { ConnectorHandle } from "./connector-handle.js";
import { ConfigError } from "./errors/index.js";
import type { RomewaysEmitter } from "./events.js";
import type { Handler } from "./handler-call.js";
import type { HealthOptions, RomewaysHealth } from "./health/health-types.js";
import type { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";
import type { Producer, PublishOptions, PublishPayloadFor } from "./producer/publish-options.js";
import type { ResolvedQueueConfig } from "./queue-config.js";
import {
  type ConnectorTypeMap,
  getRegisteredConnector,
  registeredConnectorNames,
} from "./registry.js";

export interface RomewaysOptions {
  /**
   * pino or any logger of that shape. Default: the console at level info (start, stop,
   * connectors and workers started, warnings, errors; one line each, stacks only at debug).
   */
  logger?: Logger;
  /** How long `stop()` waits for in-flight handlers before giving up on them. Default 30 000. */
  shutdownTimeoutMs?: number;
  /** Stop gracefully on SIGINT/SIGTERM once started. Default true. */
  handleSignals?: boolean;
  /** Time source of the poll loops; `@romeways/testing` passes a virtual clock. */
  clock?: Clock;
  /** Tracing and metrics hooks, e.g. `openTelemetry()` of `@romeways/opentelemetry`. */
  instrumentation?: Instrumentation;
  /**
   * Serve `/livez` and `/readyz` for Kubernetes probes from the parent process, from `start()`
   * to the end of `stop()`: `true` for the defaults (port 8081), or the options.
   */
  health?: boolean | HealthOptions;
}

export interface RegisterCommon {
  /** Run this connector's consumers in worker processes. */
  spawnProcess?: boolean;
  /** How many worker processes with `spawnProcess`. Default 1. */
  workers?: number;
  /**
   * With `spawnProcess`: the module the workers run (a path or a `file:` URL) instead of
   * re-running the program's entry file; it registers the same consumers and connectors and
   * calls `start()`. Default: the entry file (`process.argv[1]`).
   */
  workerEntry?: string | URL;
  /**
   * With `spawnProcess`: how many worker crashes a message may cause (held by a worker that
   * exited unexpectedly) before it is dead-lettered with reason `crashed`. Default 3.
   */
  maxWorkerCrashes?: number;
}

/**
 * A `connectorRegister` call: `connector` a registered name or a class, `config` exactly that
 * connector's config (an unknown name is an error on `connector` listing the known ones).
 */
export type Registration<K extends ConnectorRef, N extends string = string> = RegisterCommon & {
  connector: K;
  config: ConnectorConfigOf<K> & { connectorName: N };
};

/** `connectorRegister` by the name a connector package registered. */
export type RegisterByName<K extends keyof ConnectorTypeMap> = RegisterCommon & {
  connector: K;
  config: ConnectorConfigOf<K>;
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
  readonly workerEntry?: string | URL;
  readonly maxWorkerCrashes: number;
}

/**
 * A romeways app. `Connectors` (optional, `createRomeways<{ "kafka-main": "kafka" }>()`) says
 * which connector serves each connectorName, so that `queueConsumer(queueName, config, handler)`
 * checks `config` against that connector's queue config.
 */
export interface Romeways<Connectors extends AppConnectors = NoAppConnectors> {
  /** Lifecycle and message events. */
  readonly events: RomewaysEmitter;
  /** True in a worker process started for a `spawnProcess` connector. */
  readonly isWorker: boolean;
  /** What was registered, in registration order. */
  readonly registrations: {
    readonly consumers: readonly QueueConsumerRegistration[];
    readonly connectors: readonly ConnectorRegistration[];
  };
  /**
   * Registers `handler` for `queueName` (Python romeways' `queue_consumer`); returns the handler.
   * With a `schema`, the handler's `message.data` is the schema's output. The handle that
   * `connectorRegister` returns has the same method, checked against its connector's config.
   */
  queueConsumer<
    S extends SchemaParam = undefined,
    D = unknown,
    H extends QueueHandler<S, D> = QueueHandler<S, D>,
  >(queueName: string, config: AppQueueConfig<Connectors, S, D>, handler: H): H;
  /**
   * Registers a connector (Python romeways' `connector_register`); returns its handle, whose
   * `queueConsumer` takes exactly this connector's queue config.
   */
  connectorRegister<const K extends ConnectorRef, const N extends string>(
    options: Registration<K, N>,
  ): ConnectorHandle<QueueConfigOf<K>, N>;
  /** Starts every connector and poll loop; resolves once all are running. */
  start(): Promise<void>;
  /** Stops polling, drains in-flight handlers, acknowledges, closes connectors. */
  stop(): Promise<void>;
  /**
   * Publishes `payload` to `queueName` through the connector of this app that consumes it;
   * resolves once the broker has it. Works before and after `start()`, in handlers and in
   * worker processes. A queue this app does not consume: `producer(connectorName).publish`.
   * With `options.schema` (the queue's), the payload is typed as the schema's input; a payload
   * the consumer's schema rejects is an `InvalidPayloadError`, and nothing is sent.
   */
  publish<S extends SchemaParam = undefined>(
    queueName: string,
    payload: PublishPayloadFor<S>,
    options?: PublishOptions<S>,
  ): Promise<void>;
  /** Publishes to any queue of the connector registered as `connectorName`. */
  producer(connectorName: string): Producer;
  /**
   * A snapshot of the app: its state, each queue (in this process and in its workers), each
   * worker process, whether it is live and ready and why not. See docs/operations.md.
   */
  health(): Promise<RomewaysHealth>;
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
  checkConnectorFields(connector, options.config);
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
  const { workerEntry, maxWorkerCrashes = 3 } = options;
  if (
    workerEntry !== undefined &&
    !(typeof workerEntry === "string" || workerEntry instanceof URL)
  ) {
    throw new ConfigError("workerEntry must be a module path or a file: URL", {
      connectorName,
      field: "workerEntry",
    });
  }
  if (!Number.isInteger(maxWorkerCrashes) || maxWorkerCrashes < 1) {
    throw new ConfigError(
      `maxWorkerCrashes must be an integer >= 1, got ${String(maxWorkerCrashes)}`,
      { connectorName, field: "maxWorkerCrashes" },
    );
  }
  const registration = {
    connectorName,
    connector,
    config: options.config,
    spawnProcess,
    workers,
    maxWorkerCrashes,
  };
  return workerEntry === undefined ? registration : { ...registration, workerEntry };
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
