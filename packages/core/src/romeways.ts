import { systemClock } from "./clock.js";
import type { ConnectorConfig } from "./connector.js";
import { createConnectorContext } from "./connector-context.js";
import type { Handler } from "./consumer-loop.js";
import { ConfigError, RomewaysError, toError } from "./errors/index.js";
import { RomewaysEmitter } from "./events.js";
import { createConsoleLogger } from "./logger.js";
import { type QueueConfig, resolveQueueConfig } from "./queue-config.js";
import {
  type ConnectorRegistration,
  checkConnectorRegistration,
  type QueueConsumerRegistration,
  type RegisterCommon,
  type Romeways,
  type RomewaysOptions,
} from "./registration.js";
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

type State = "idle" | "starting" | "running" | "stopping" | "stopped";

/** Creates a romeways app. */
export function createRomeways(options: RomewaysOptions = {}): Romeways {
  return new RomewaysApp(options);
}

class RomewaysApp implements Romeways {
  readonly events = new RomewaysEmitter();
  /** This process's worker identity; undefined in the parent (or without spawnProcess). */
  private readonly worker = currentWorker();
  readonly isWorker = this.worker !== undefined;
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
    this.events.onListenerError = (event, error) =>
      logger.error({ event, error }, `a listener of "${event}" threw: ${toError(error).message}`);
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
    const registration = checkConnectorRegistration(options);
    if (this.connectors.some((c) => c.connectorName === registration.connectorName)) {
      throw new ConfigError("a connector with this connectorName is already registered", {
        connectorName: registration.connectorName,
        field: "config.connectorName",
      });
    }
    this.connectors.push(registration);
  }

  async start(): Promise<void> {
    this.assertIdle("start");
    const { worker } = this;
    const channel =
      worker === undefined ? undefined : new WorkerChannel(this.events, () => this.stop());
    try {
      this.checkEveryConsumerHasAConnector();
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
      await channel?.flush({ type: "start-failed", error: serializeError(error) });
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
        : (queueConfig, queueName) =>
            new Connector(
              connectorConfig,
              queueConfig,
              queueName,
              createConnectorContext(this.deps, { connectorName, queueName }),
            );
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
