import { type Clock, systemClock } from "./clock.js";
import type { ConnectorClass, ConnectorConfig } from "./connector.js";
import type { Handler } from "./consumer-loop.js";
import { ConfigError, RomewaysError, toError } from "./errors/index.js";
import { RomewaysEmitter } from "./events.js";
import { createConsoleLogger, type Logger } from "./logger.js";
import { type QueueConfig, type ResolvedQueueConfig, resolveQueueConfig } from "./queue-config.js";
import {
  type ConnectorTypeMap,
  getRegisteredConnector,
  registeredConnectorNames,
} from "./registry.js";
import {
  buildRunningQueue,
  type ConnectorFactory,
  type QueueDeps,
  type RunningQueue,
  startRunningQueues,
  stopRunningQueue,
} from "./running-queue.js";
import { handleShutdownSignals } from "./signals.js";
import { serializeError } from "./workers/ipc-messages.js";
import { RemoteConnector } from "./workers/remote-connector.js";
import { Supervisor } from "./workers/supervisor.js";
import { WorkerChannel } from "./workers/worker-channel.js";
import { currentWorker } from "./workers/worker-env.js";

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

interface RegisterCommon {
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
  /** Registers `handler` for `queueName` (the seed's `queue_consumer`); returns the handler. */
  queueConsumer<Q extends QueueConfig, H extends Handler>(
    queueName: string,
    config: Q,
    handler: H,
  ): H;
  /** Registers a connector (the seed's `connector_register`). */
  connectorRegister<K extends keyof ConnectorTypeMap>(options: RegisterByName<K>): void;
  connectorRegister<C extends ConnectorConfig>(options: RegisterByClass<C>): void;
  /** Starts every connector and poll loop; resolves once all are running. */
  start(): Promise<void>;
  /** Stops polling, drains in-flight handlers, acknowledges, closes connectors. */
  stop(): Promise<void>;
}

type State = "idle" | "starting" | "running" | "stopping" | "stopped";

/** Creates a romeways app. */
export function createRomeways(options: RomewaysOptions = {}): Romeways {
  return new RomewaysApp(options);
}

class RomewaysApp implements Romeways {
  readonly events = new RomewaysEmitter();
  readonly isWorker = currentWorker() !== undefined;
  private readonly consumers: QueueConsumerRegistration[] = [];
  private readonly connectors: ConnectorRegistration[] = [];
  private readonly deps: QueueDeps;
  private readonly shutdownTimeoutMs: number;
  private state: State = "idle";
  private running: RunningQueue[] = [];
  private supervisors: Supervisor[] = [];
  private stopping: Promise<void> | undefined;
  private disposeSignals: (() => void) | undefined;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly options: RomewaysOptions) {
    const logger = options.logger ?? createConsoleLogger();
    this.deps = { events: this.events, logger, clock: options.clock ?? systemClock };
    const timeout = options.shutdownTimeoutMs ?? 30_000;
    if (!Number.isFinite(timeout) || timeout < 0) {
      throw new ConfigError(`shutdownTimeoutMs must be a number >= 0, got ${String(timeout)}`, {
        field: "shutdownTimeoutMs",
      });
    }
    this.shutdownTimeoutMs = timeout;
  }

  get registrations() {
    return { consumers: this.consumers, connectors: this.connectors };
  }

  queueConsumer<Q extends QueueConfig, H extends Handler>(
    queueName: string,
    config: Q,
    handler: H,
  ): H {
    this.assertIdle("queueConsumer");
    const resolved = resolveQueueConfig(queueName, config);
    if (typeof handler !== "function") {
      throw new ConfigError("the handler must be a function", {
        queueName,
        connectorName: resolved.connectorName,
        field: "handler",
      });
    }
    const duplicate = this.consumers.some(
      (c) => c.queueName === queueName && c.config.connectorName === resolved.connectorName,
    );
    if (duplicate) {
      throw new ConfigError("this queue already has a consumer on this connector", {
        queueName,
        connectorName: resolved.connectorName,
      });
    }
    this.consumers.push({ queueName, config: resolved, handler });
    return handler;
  }

  connectorRegister(
    options: RegisterCommon & { connector: unknown; config: ConnectorConfig },
  ): void {
    this.assertIdle("connectorRegister");
    const connectorName = options?.config?.connectorName;
    if (typeof connectorName !== "string" || connectorName.length === 0) {
      throw new ConfigError("set config.connectorName, the name queue configs refer to", {
        field: "config.connectorName",
      });
    }
    const connector = resolveConnectorClass(options.connector, connectorName);
    if (this.connectors.some((c) => c.connectorName === connectorName)) {
      throw new ConfigError("a connector with this connectorName is already registered", {
        connectorName,
        field: "config.connectorName",
      });
    }
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
    this.connectors.push({
      connectorName,
      connector,
      config: options.config,
      spawnProcess,
      workers,
    });
  }

  async start(): Promise<void> {
    this.assertIdle("start");
    this.checkEveryConsumerHasAConnector();
    const worker = currentWorker();
    const channel =
      worker === undefined ? undefined : new WorkerChannel(this.events, () => this.stop());
    try {
      if (
        worker !== undefined &&
        !this.connectors.some((c) => c.connectorName === worker.connectorName)
      ) {
        throw new ConfigError(
          "this worker's connector is not registered in the worker: register the same connectors in every process",
          {
            connectorName: worker.connectorName,
          },
        );
      }
      const local = this.connectors.filter((c) =>
        worker === undefined ? !c.spawnProcess : c.connectorName === worker.connectorName,
      );
      const queues = local.flatMap((registration) => this.buildQueues(registration, channel));
      this.state = "starting";
      await startRunningQueues(queues, this.deps);
      this.running = queues;
      if (worker === undefined) await this.startSupervisors();
    } catch (thrown) {
      this.state = "stopped";
      const error = toError(thrown);
      channel?.send({ type: "start-failed", error: serializeError(error) });
      if (ConfigError.isInstance(error) || RomewaysError.isInstance(error)) throw error;
      throw new RomewaysError(
        "ROMEWAYS_CONNECTOR_START",
        `a connector failed to start: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    // A consumer runs until stopped, even when no socket or timer holds the process open.
    this.keepAlive = setInterval(() => {}, 2 ** 30);
    for (const queue of this.running) queue.loop.start();
    this.state = "running";
    if (this.options.handleSignals !== false) {
      this.disposeSignals = handleShutdownSignals((signal) => this.shutdown("signal", signal));
    }
    channel?.send({ type: "ready" });
    this.events.emit("app:started", {
      connectors: this.connectors.map((c) => c.connectorName),
      queues: this.consumers.map((c) => c.queueName),
      isWorker: this.isWorker,
    });
  }

  stop(): Promise<void> {
    return this.shutdown("stop");
  }

  private shutdown(reason: "stop" | "signal", signal?: NodeJS.Signals): Promise<void> {
    if (this.state === "idle" || this.state === "stopped") {
      this.state = "stopped";
      return Promise.resolve();
    }
    this.stopping ??= this.drainAndStop(reason, signal);
    return this.stopping;
  }

  private async drainAndStop(reason: "stop" | "signal", signal?: NodeJS.Signals): Promise<void> {
    this.state = "stopping";
    this.events.emit("app:stopping", signal === undefined ? { reason } : { reason, signal });
    const workersStopped = Promise.all(this.supervisors.map((supervisor) => supervisor.stop()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.shutdownTimeoutMs);
    });
    const drained = await Promise.all(this.running.map((queue) => queue.loop.stop(deadline)));
    clearTimeout(timer);
    const allDrained = drained.every(Boolean);
    if (!allDrained) {
      this.deps.logger.warn(
        { shutdownTimeoutMs: this.shutdownTimeoutMs },
        "handlers still running at the shutdown deadline: their messages were not acknowledged and will be delivered again",
      );
    }
    await Promise.all(this.running.map((queue) => stopRunningQueue(queue, this.deps)));
    await workersStopped;
    this.disposeSignals?.();
    clearInterval(this.keepAlive);
    this.state = "stopped";
    this.events.emit("app:stopped", { drained: allDrained });
  }

  private buildQueues(
    registration: ConnectorRegistration,
    channel: WorkerChannel | undefined,
  ): RunningQueue[] {
    const { connector: Connector, config: connectorConfig, connectorName } = registration;
    const makeConnector: ConnectorFactory =
      channel !== undefined && Connector.hostedInParent === true
        ? (_config, queueName, role) => new RemoteConnector(channel.callParent, queueName, role)
        : (queueConfig, queueName) => new Connector(connectorConfig, queueConfig, queueName);
    return this.consumers
      .filter((consumer) => consumer.config.connectorName === connectorName)
      .map(({ queueName, config, handler }) =>
        buildRunningQueue(queueName, config, handler, makeConnector, this.deps),
      );
  }

  private async startSupervisors(): Promise<void> {
    for (const registration of this.connectors.filter((c) => c.spawnProcess)) {
      const queues = new Map(
        this.consumers
          .filter((c) => c.config.connectorName === registration.connectorName)
          .map((c) => [c.queueName, c.config] as const),
      );
      const supervisor = new Supervisor({
        registration: {
          ...registration,
          queues,
          hostedInParent: registration.connector.hostedInParent === true,
        },
        events: this.events,
        logger: this.deps.logger,
        shutdownTimeoutMs: this.shutdownTimeoutMs,
      });
      this.supervisors.push(supervisor);
      await supervisor.start();
    }
  }

  private connectorFor(consumer: QueueConsumerRegistration): ConnectorRegistration {
    const name = consumer.config.connectorName;
    const registration = this.connectors.find((c) => c.connectorName === name);
    if (registration === undefined) {
      const known = this.connectors.map((c) => `"${c.connectorName}"`).join(", ") || "none";
      throw new ConfigError(
        `no connector with this connectorName was registered (registered: ${known}); call connectorRegister({ connector, config: { connectorName: "${name}" } }) before start()`,
        { queueName: consumer.queueName, connectorName: name, field: "connectorName" },
      );
    }
    return registration;
  }

  private checkEveryConsumerHasAConnector(): void {
    for (const consumer of this.consumers) this.connectorFor(consumer);
    for (const registration of this.connectors) {
      if (!this.consumers.some((c) => c.config.connectorName === registration.connectorName)) {
        this.deps.logger.warn(
          { connectorName: registration.connectorName },
          "connector registered but no queue consumer uses it",
        );
      }
    }
  }

  private assertIdle(operation: string): void {
    if (this.state !== "idle") {
      throw new ConfigError(
        `${operation}() must be called before start(); the app is ${this.state}`,
      );
    }
  }
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
