import { buildQueues, supervisorFor } from "./app-queues.js";
import { systemClock } from "./clock.js";
import { checkQueueConfig } from "./config-spec.js";
import type { AppConnectors, NoAppConnectors } from "./config-types.js";
import type { ConnectorConfig } from "./connector.js";
import { type ConnectorHandle, connectorHandle } from "./connector-handle.js";
import type { Handler } from "./consumer-loop.js";
import { ConfigError, toError } from "./errors/index.js";
import { RomewaysEmitter } from "./events.js";
import { AppHealth } from "./health/app-health.js";
import { type HealthServer, serveHealth } from "./health/health-server.js";
import { healthDefaults, type RomewaysHealth } from "./health/health-types.js";
import { guardInstrumentation } from "./instrumentation.js";
import {
  bounded,
  lifecycleDefaults,
  pastDeadline,
  startFailure,
  startRefusal,
} from "./lifecycle.js";
import { createConsoleLogger } from "./logger.js";
import { ProducerHub } from "./producer/producer-hub.js";
import type { Producer, PublishOptions, PublishPayload } from "./producer/publish-options.js";
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
  type QueueDeps,
  type RunningQueue,
  startRunningQueues,
  stopRunningQueue,
} from "./running-queue.js";
import { handleShutdownSignals } from "./signals.js";
import { serializeError } from "./workers/ipc-messages.js";
import type { Supervisor } from "./workers/supervisor.js";
import { WorkerChannel } from "./workers/worker-channel.js";
import { currentWorker } from "./workers/worker-env.js";

type State = "idle" | "starting" | "running" | "stopping" | "stopped";
const healthOff = { port: undefined, host: undefined, livenessTtlMs: undefined };

/** Creates a romeways app. */
export function createRomeways<Connectors extends AppConnectors = NoAppConnectors>(
  options: RomewaysOptions = {},
): Romeways<Connectors> {
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
  private readonly appHealth: AppHealth;
  /** Names a worker's process in its log lines; empty in the parent. */
  private readonly where =
    this.worker === undefined
      ? ""
      : ` (worker ${this.worker.workerIndex} of "${this.worker.connectorName}")`;
  private healthServer: HealthServer | undefined;
  private readonly producers: ProducerHub;

  constructor(private readonly options: RomewaysOptions) {
    const logger = options.logger ?? createConsoleLogger();
    this.deps = {
      events: this.events,
      logger,
      clock: options.clock ?? systemClock,
      instrumentation: guardInstrumentation(options.instrumentation, logger),
    };
    this.events.onListenerError = (event, error) =>
      logger.error({ event, error }, `a listener of "${event}" threw: ${toError(error).message}`);
    const timeout = options.shutdownTimeoutMs ?? lifecycleDefaults.shutdownTimeoutMs;
    if (!Number.isFinite(timeout) || timeout < 0) {
      throw new ConfigError(`shutdownTimeoutMs must be a number >= 0, got ${String(timeout)}`, {
        field: "shutdownTimeoutMs",
      });
    }
    this.shutdownTimeoutMs = timeout;
    const { livenessTtlMs = healthDefaults.livenessTtlMs } =
      typeof options.health === "object" ? options.health : healthOff;
    this.appHealth = new AppHealth(this.events, this.deps.clock, livenessTtlMs);
    this.producers = new ProducerHub({
      owner: this,
      registrations: () => this.registrations,
      deps: this.deps,
      isWorker: this.isWorker,
    });
    options.instrumentation?.attach?.(this);
  }

  publish(queueName: string, payload: PublishPayload, options?: PublishOptions): Promise<void> {
    return this.producers.publish(queueName, payload, options);
  }

  producer(connectorName: string): Producer {
    return this.producers.producer(connectorName);
  }

  get registrations() {
    return { consumers: this.consumers, connectors: this.connectors };
  }

  // Typed by the `Romeways` interface (config-types.ts); checked here at run time.
  queueConsumer<H extends (message: never) => unknown>(
    queueName: string,
    config: QueueConfig,
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
    this.consumers.push({ queueName, config: resolved, handler: handler as unknown as Handler });
    return handler;
  }

  connectorRegister(
    options: RegisterCommon & { connector: unknown; config: ConnectorConfig },
  ): ConnectorHandle<never, never> {
    this.assertIdle("connectorRegister");
    const registration = checkConnectorRegistration(options);
    if (this.connectors.some((c) => c.connectorName === registration.connectorName)) {
      throw new ConfigError("a connector with this connectorName is already registered", {
        connectorName: registration.connectorName,
        field: "config.connectorName",
      });
    }
    this.connectors.push(registration);
    return connectorHandle(this, registration.connectorName) as ConnectorHandle<never, never>;
  }

  async health(): Promise<RomewaysHealth> {
    const timeoutMs = healthDefaults.workerReplyTimeoutMs;
    const reports = await Promise.all(this.supervisors.map((s) => s.health(timeoutMs)));
    return this.appHealth.snapshot(this.state, reports);
  }

  async start(): Promise<void> {
    if (this.state !== "idle") throw startRefusal(this.state);
    const { worker } = this;
    const { logger } = this.deps;
    const startedAt = performance.now();
    const channel =
      worker === undefined ? undefined : new WorkerChannel(this.events, () => this.stop());
    this.producers.attachWorkerChannel(channel?.callParent);
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
      const queues = local.flatMap((registration) =>
        buildQueues(registration, this.consumers, this.deps, channel),
      );
      this.state = "starting";
      this.appHealth.setQueues(queues);
      if (channel !== undefined) {
        channel.healthOf = () => this.appHealth.local(this.state, worker?.workerIndex);
      }
      await this.startHealthServer();
      await startRunningQueues(queues, this.deps);
      this.running = queues;
      if (worker === undefined) await this.startSupervisors();
    } catch (thrown) {
      const error = toError(thrown);
      await this.undoStart();
      await channel?.flush({ type: "start-failed", error: serializeError(error) });
      throw startFailure(error);
    }
    // A consumer runs until stopped, even when no socket or timer holds the process open.
    this.keepAlive = setInterval(() => {}, 2 ** 30);
    for (const queue of this.running) queue.loop.start();
    this.state = "running";
    if (this.options.handleSignals !== false) {
      this.disposeSignals = handleShutdownSignals((signal) => this.shutdown("signal", signal));
    }
    channel?.send({ type: "ready" });
    const workers = this.isWorker
      ? 0
      : this.connectors.reduce((n, c) => n + (c.spawnProcess ? c.workers : 0), 0);
    logger.info(
      { pid: process.pid },
      `romeways started${this.where}: ${this.running.length} queue(s) in this process${workers > 0 ? `, ${workers} worker process(es)` : ""}, in ${Math.round(performance.now() - startedAt)} ms`,
    );
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
    if (this.state === "idle") {
      // Often a cleanup after a failed start(): nothing ran, and the app may still be started.
      this.deps.logger.info({}, "stop() called before start(): nothing to stop");
      // Publishes before start() opened producer connections (Kafka): close them.
      return this.producers.close(false);
    }
    if (this.state === "stopped") return Promise.resolve();
    this.stopping ??= this.drainAndStop(reason, signal);
    return this.stopping;
  }

  private async drainAndStop(reason: "stop" | "signal", signal?: NodeJS.Signals): Promise<void> {
    this.state = "stopping";
    this.deps.logger.info(
      { pid: process.pid },
      `romeways stopping${this.where}${signal === undefined ? "" : ` on ${signal}`}: draining in-flight handlers (up to ${this.shutdownTimeoutMs} ms)`,
    );
    this.events.emit("app:stopping", signal === undefined ? { reason } : { reason, signal });
    const workersStopped = Promise.all(this.supervisors.map((supervisor) => supervisor.stop()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.shutdownTimeoutMs);
    });
    // Whatever the broker does (gone, frozen), stop() ends by the deadline plus a fixed margin.
    let hardTimer: NodeJS.Timeout | undefined;
    const hardDeadline = new Promise<void>((resolve) => {
      hardTimer = setTimeout(resolve, this.shutdownTimeoutMs + lifecycleDefaults.stopMarginMs);
    });
    const loops = await bounded(
      Promise.all(this.running.map((queue) => queue.loop.stop(deadline))),
      hardDeadline,
    );
    clearTimeout(timer);
    const drained = loops === pastDeadline ? [false] : loops;
    const allDrained = drained.every(Boolean);
    if (!allDrained) {
      this.deps.logger.warn(
        { shutdownTimeoutMs: this.shutdownTimeoutMs },
        "handlers still running at the shutdown deadline: their messages were not acknowledged and will be delivered again",
      );
    }
    const stopped = await bounded(
      Promise.all(this.running.map((queue) => stopRunningQueue(queue, this.deps))).then(() =>
        this.producers.close(),
      ),
      hardDeadline,
    );
    clearTimeout(hardTimer);
    if (loops === pastDeadline || stopped === pastDeadline) {
      this.deps.logger.warn(
        { stopMarginMs: lifecycleDefaults.stopMarginMs },
        `connectors did not acknowledge or stop within shutdownTimeoutMs + ${lifecycleDefaults.stopMarginMs} ms (a broker gone or frozen?): left behind; what they did not acknowledge is delivered again`,
      );
    }
    await workersStopped;
    this.disposeSignals?.();
    clearInterval(this.keepAlive);
    await this.healthServer?.close();
    this.healthServer = undefined;
    this.state = "stopped";
    this.deps.logger.info(
      { pid: process.pid },
      `romeways stopped${this.where}: ${allDrained ? "drained" : "not drained (see the warning above)"}`,
    );
    this.events.emit("app:stopped", { drained: allDrained });
  }

  /** The HTTP probes, in the parent only, when `health` is set. */
  private async startHealthServer(): Promise<void> {
    const option = this.options.health;
    if (option === undefined || option === false) return;
    this.appHealth.trackOutcomes();
    if (this.isWorker) return;
    const { port, host } = option === true ? healthOff : option;
    this.healthServer = await serveHealth(
      () => this.health(),
      { ...(port === undefined ? {} : { port }), ...(host === undefined ? {} : { host }) },
      this.deps.logger,
    );
  }

  /** After a failed start(): stop what started, so start() can be called again. */
  private async undoStart(): Promise<void> {
    const supervisors = this.supervisors;
    const queues = this.running;
    this.supervisors = [];
    this.running = [];
    await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
    await Promise.all(queues.map((queue) => stopRunningQueue(queue, this.deps)));
    await this.healthServer?.close();
    this.healthServer = undefined;
    this.appHealth.setQueues([]);
    this.state = "idle";
  }

  private async startSupervisors(): Promise<void> {
    for (const registration of this.connectors.filter((c) => c.spawnProcess)) {
      const supervisor = supervisorFor(
        registration,
        this.consumers,
        this.deps,
        this.shutdownTimeoutMs,
        (call) => this.producers.serveWorker(call),
      );
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
    for (const consumer of this.consumers) {
      checkQueueConfig(this.connectorFor(consumer), consumer.queueName, consumer.config);
    }
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
