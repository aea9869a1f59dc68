import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createConnectorContext } from "../connector-context.js";
import { ConfigError, RomewaysError } from "../errors/index.js";
import type { RomewaysEmitter, RomewaysEventName } from "../events.js";
import type { WorkersReport } from "../health/app-health.js";
import type { WorkerHealth, WorkerState } from "../health/health-types.js";
import { externalListenerCount } from "../health/internal-listeners.js";
import { lifecycleDefaults } from "../lifecycle.js";
import type { Logger } from "../logger.js";
import type { PublishCall } from "../producer/publish-call.js";
import { ConnectorHost, type HostedRegistration } from "./connector-host.js";
import { CrashedMessages } from "./crashed-messages.js";
import { HealthRequests } from "./health-requests.js";
import { HeldByWorkers } from "./held-by-workers.js";
import {
  eventFromWire,
  forwardableEvents,
  type ParentToWorker,
  reviveError,
  serializeError,
  type WorkerToParent,
} from "./ipc-messages.js";
import {
  workerEnvKey,
  workerEventsEnvKey,
  workerMarker,
  workerPoisonEnvKey,
} from "./worker-env.js";

export interface SupervisorOptions {
  registration: HostedRegistration & {
    workers: number;
    hostedInParent: boolean;
    maxWorkerCrashes: number;
    workerEntry?: string | URL;
  };
  events: RomewaysEmitter;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** Sends a worker's publish to a connector whose queues live in the parent. */
  publish?: (call: PublishCall) => Promise<void>;
}

interface WorkerSlot {
  index: number;
  child: ChildProcess | undefined;
  host: ConnectorHost | undefined;
  startedAt: number;
  restarts: number;
  /** Restarts since the app started, for health (`restarts` is the backoff's count). */
  restartsTotal: number;
  state: WorkerState;
  restartTimer: NodeJS.Timeout | undefined;
}

const restartBaseDelayMs = 250;
const restartMaxDelayMs = 10_000;
/** A worker that ran this long counts as healthy: its next crash restarts it without delay growth. */
const healthyUptimeMs = 10_000;
const exitGraceMs = lifecycleDefaults.workerExitGraceMs;

/**
 * The parent's side of `spawnProcess`: runs a connector's consumers in worker processes that
 * re-run the program's entry module, restarts crashed workers with capped backoff, forwards
 * their events, and stops them gracefully (killing them past the deadline).
 */
export class Supervisor {
  private readonly slots: WorkerSlot[];
  private running = false;
  private subscribed: RomewaysEventName[] = [];
  /** Each supervisor watches the listeners: one app may spawn workers for several connectors. */
  private stopForwarding: (() => void) | undefined;
  private readonly healthRequests = new HealthRequests();
  /** Crash counts of the messages workers held, for connectors hosted in the parent. */
  private readonly crashed: CrashedMessages;
  /** What workers hold of connectors they reach themselves, and the crashes it went through. */
  private readonly heldByWorkers: HeldByWorkers;

  constructor(private readonly options: SupervisorOptions) {
    this.slots = Array.from({ length: options.registration.workers }, (_, index) => ({
      index,
      child: undefined,
      host: undefined,
      startedAt: 0,
      restarts: 0,
      restartsTotal: 0,
      state: "starting",
      restartTimer: undefined,
    }));
    this.crashed = new CrashedMessages(options);
    this.heldByWorkers = new HeldByWorkers(options.registration.maxWorkerCrashes);
  }

  /** Each worker's state and the queues it runs (asked over IPC, bounded by `timeoutMs`). */
  async health(timeoutMs: number): Promise<WorkersReport> {
    const { connectorName } = this.options.registration;
    const answers = await Promise.all(
      this.slots.map(async (slot) => {
        const child = slot.child;
        const asked =
          slot.state === "running" && child !== undefined
            ? await this.healthRequests.ask(child, timeoutMs)
            : [];
        const worker: WorkerHealth = {
          connectorName,
          workerIndex: slot.index,
          pid: child?.pid ?? -1,
          state: slot.state,
          restarts: slot.restartsTotal,
          responded: asked !== undefined,
        };
        return { worker, queues: asked ?? [] };
      }),
    );
    return {
      workers: answers.map((a) => a.worker),
      queues: answers.flatMap((a) => a.queues),
    };
  }

  /** Starts every worker; resolves once each reported its connector running. */
  async start(): Promise<void> {
    const { workerEntry } = this.options.registration;
    const entry = entryPath(workerEntry ?? process.argv[1]);
    if (entry === undefined) {
      throw new ConfigError(
        "spawnProcess needs a program file to re-run in the workers (none in process.argv): set workerEntry",
        {
          connectorName: this.options.registration.connectorName,
          field: "spawnProcess",
        },
      );
    }
    this.running = true;
    this.stopForwarding?.();
    this.stopForwarding = this.options.events.onListenersChanged(() => this.updateSubscriptions());
    this.updateSubscriptions();
    try {
      await Promise.all(this.slots.map((slot) => this.spawn(slot, entry, true)));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Asks every worker to drain and exit; kills those still alive past the deadline. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopForwarding?.();
    this.stopForwarding = undefined;
    const exits = this.slots.map(async (slot) => {
      clearTimeout(slot.restartTimer);
      slot.state = slot.state === "exited" || slot.state === "restarting" ? "exited" : "stopping";
      const child = slot.child;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      send(child, { type: "stop" });
      const timer = setTimeout(
        () => child.kill("SIGKILL"),
        this.options.shutdownTimeoutMs + exitGraceMs,
      );
      await exited;
      clearTimeout(timer);
    });
    await Promise.all(exits);
  }

  private spawn(slot: WorkerSlot, entry: string, initial: boolean): Promise<void> {
    const { registration, events, logger } = this.options;
    const child = fork(entry, process.argv.slice(2), {
      execArgv: process.execArgv,
      env: {
        ...process.env,
        [workerEnvKey]: workerMarker({
          connectorName: registration.connectorName,
          workerIndex: slot.index,
        }),
        [workerEventsEnvKey]: this.subscribed.join(","),
        [workerPoisonEnvKey]: JSON.stringify(this.heldByWorkers.poisonByQueue()),
      },
      serialization: "advanced",
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
    const host = registration.hostedInParent
      ? new ConnectorHost(
          registration,
          (queueName) =>
            createConnectorContext(
              { events, logger },
              { connectorName: registration.connectorName, queueName },
            ),
          this.crashed,
        )
      : undefined;
    slot.child = child;
    slot.host = host;
    slot.startedAt = Date.now();
    slot.state = "starting";
    const ref = {
      connectorName: registration.connectorName,
      workerIndex: slot.index,
      pid: child.pid ?? -1,
    };
    // Without a listener, a failed kill or send would be an 'error' event that ends the parent.
    child.on("error", (error) =>
      logger.warn({ ...ref, error }, `worker ${slot.index}: ${error.message}`),
    );
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      child.on("message", (message: WorkerToParent) => {
        switch (message.type) {
          case "ready":
            ready = true;
            if (this.running) slot.state = "running";
            // Restarted while the app began to stop: its stop request came before it listened.
            else send(child, { type: "stop" });
            send(child, { type: "subscribe", events: this.subscribed });
            logger.info(ref, `worker ${slot.index} started (pid ${ref.pid})`);
            events.emit("worker:started", ref);
            resolve();
            return;
          case "start-failed":
            reject(
              new RomewaysError(
                "ROMEWAYS_WORKER_START",
                `worker ${slot.index} of connector "${registration.connectorName}" failed to start: ${message.error.message}`,
                { cause: reviveError(message.error) },
              ),
            );
            return;
          case "event":
            (events.emit as (name: RomewaysEventName, payload: unknown) => boolean)(
              message.name,
              eventFromWire(message.payload),
            );
            return;
          case "call": {
            // A publish is served by the parent's producer, whatever hosts the connector.
            const served =
              message.call.method === "publish"
                ? this.options.publish?.(message.call)
                : host?.serve(message.id, message.call);
            served?.then(
              (value) => send(child, { type: "call-result", id: message.id, ok: true, value }),
              (error: unknown) =>
                send(child, {
                  type: "call-result",
                  id: message.id,
                  ok: false,
                  error: serializeError(error instanceof Error ? error : new Error(String(error))),
                }),
            );
            return;
          }
          case "abort-call":
            host?.abort(message.id);
            return;
          case "health-report":
            this.healthRequests.answer(message.id, message.queues);
            return;
          case "held":
            this.heldByWorkers.took(slot.index, message.queueName, message.ids);
            return;
          case "released":
            this.heldByWorkers.released(slot.index, message.queueName, message.ids);
            return;
        }
      });
      // "close" comes after the IPC channel drained, so a start-failed report is read first.
      child.once("close", (code, signal) => {
        const unexpected = this.running;
        // What it held is delivered again: count the crash against each of those messages.
        if (unexpected && host !== undefined) this.crashed.record(host.heldMessages());
        if (unexpected) this.declarePoison(this.heldByWorkers.crashed(slot.index));
        else this.heldByWorkers.exited(slot.index);
        void host?.close();
        slot.state = unexpected ? "restarting" : "exited";
        const how = signal === null ? `code ${code}` : `signal ${signal}`;
        if (unexpected)
          logger.warn({ ...ref, code, signal }, `worker ${slot.index} exited (${how})`);
        else logger.info({ ...ref, code, signal }, `worker ${slot.index} exited (${how})`);
        events.emit("worker:exited", { ...ref, code, signal });
        if (!ready) {
          reject(
            new RomewaysError(
              "ROMEWAYS_WORKER_START",
              `worker ${slot.index} of connector "${registration.connectorName}" exited (code ${code}, signal ${signal}) before it was ready`,
            ),
          );
          // A worker that never came up at start() is a bug to report, not to retry forever.
          if (initial) {
            slot.state = "exited";
            return;
          }
        }
        if (this.running) this.scheduleRestart(slot, entry);
      });
    });
  }

  private scheduleRestart(slot: WorkerSlot, entry: string): void {
    const uptime = Date.now() - slot.startedAt;
    slot.restarts = uptime >= healthyUptimeMs ? 1 : slot.restarts + 1;
    slot.restartsTotal++;
    const delayMs = Math.min(restartMaxDelayMs, restartBaseDelayMs * 2 ** (slot.restarts - 1));
    const { connectorName } = this.options.registration;
    this.options.logger.warn(
      { connectorName, workerIndex: slot.index, delayMs },
      `restarting worker ${slot.index} in ${delayMs} ms`,
    );
    slot.restartTimer = setTimeout(() => {
      if (!this.running) return;
      const restarted = this.spawn(slot, entry, false);
      const pid = slot.child?.pid ?? -1;
      this.options.events.emit("worker:restarted", {
        connectorName,
        workerIndex: slot.index,
        pid,
        attempt: slot.restarts,
        delayMs,
      });
      restarted.catch((error: Error) => {
        // Stopping (a SIGTERM reaches the new worker too): its early exit is no failure.
        if (!this.running) return;
        this.options.logger.error(
          { connectorName, workerIndex: slot.index, error },
          `worker ${slot.index} restart failed: ${error.message}`,
        );
      });
    }, delayMs);
  }

  /** Tells every worker which messages not to handle again; later spawns get it at start. */
  private declarePoison(fresh: Map<string, string[]>): void {
    for (const [queueName, ids] of fresh) {
      this.options.logger.warn(
        { connectorName: this.options.registration.connectorName, queueName, messages: ids.length },
        `${ids.length} message(s) of queue "${queueName}" crashed ${this.options.registration.maxWorkerCrashes} worker(s): they will be dead-lettered with reason crashed`,
      );
      for (const slot of this.slots)
        if (slot.child !== undefined) send(slot.child, { type: "poison", queueName, ids });
    }
  }

  private updateSubscriptions(): void {
    const { events } = this.options;
    const wanted = forwardableEvents.filter((name) => externalListenerCount(events, name) > 0);
    if (wanted.join() === this.subscribed.join()) return;
    this.subscribed = wanted;
    for (const slot of this.slots)
      if (slot.child !== undefined) send(slot.child, { type: "subscribe", events: wanted });
  }
}

/** A worker entry as a file path (a `file:` URL, string or URL, becomes its path). */
function entryPath(entry: string | URL | undefined): string | undefined {
  if (entry === undefined) return undefined;
  if (entry instanceof URL || entry.startsWith("file:")) return fileURLToPath(entry);
  return entry;
}

function send(child: ChildProcess, message: ParentToWorker): void {
  // A worker may be gone before its exit is seen (EPIPE): with a callback the failure comes here
  // instead of as an 'error' event that would crash the parent; its 'close' handles the exit.
  if (child.connected) child.send(message, ignoreSendFailure);
}

function ignoreSendFailure(): void {}
