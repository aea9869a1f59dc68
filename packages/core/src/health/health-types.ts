import type { ConnectorPhase } from "../events.js";
import type { OutcomeName } from "../outcome.js";

/** Where the app is in its life: `start()` moves it from idle to running, `stop()` to stopped. */
export type AppState = "idle" | "starting" | "running" | "stopping" | "stopped";

/** A worker process of a `spawnProcess` connector, as its supervisor sees it. */
export type WorkerState = "starting" | "running" | "restarting" | "stopping" | "exited";

/** One queue's poll loop and connector instance in one process. */
export interface QueueHealth {
  connectorName: string;
  queueName: string;
  /** The worker running this instance; absent for one in the process that was asked. */
  workerIndex?: number;
  pid: number;
  state: "starting" | "running" | "stopping" | "stopped";
  /** false while the broker cannot be reached (the connector's `health()`, or its reports). */
  connected: boolean;
  /** Partitions or shards held, when the connector's broker assigns them. */
  assigned?: readonly string[];
  /** Messages waiting for this consumer, when the broker tells. */
  lag?: number;
  /** Taken from the broker, not acknowledged, not held for delay: being handled or settled. */
  inFlight: number;
  /** Taken, but held until their resend delay is due. */
  heldForDelay: number;
  /** When the last poll returned (ISO time); absent before the first. */
  lastPollAt?: string;
  /** The last outcome seen since health was first read (or enabled), with its time. */
  lastOutcome?: { outcome: OutcomeName; at: string };
  /** The last error: a connector call, a lost connection, or a handler's failure. */
  lastError?: { message: string; phase: ConnectorPhase | "handler"; at: string };
  /** The loop made progress within `livenessTtlMs` (or had nothing to do). */
  live: boolean;
  /** Consuming: running, connected, holding an assignment where the broker assigns. */
  ready: boolean;
  /** One line each: why not live, or not ready. Empty when both hold. */
  reasons: string[];
}

export interface WorkerHealth {
  connectorName: string;
  workerIndex: number;
  /** The current process's pid; -1 before the first spawn. */
  pid: number;
  state: WorkerState;
  /** How often this worker was restarted after it exited. */
  restarts: number;
  /** false when the worker did not answer the health request in time. */
  responded: boolean;
}

/** What `romeways.health()` resolves to: the whole app, with its workers' queues. */
export interface RomewaysHealth {
  state: AppState;
  /** Every loop made progress within the TTL, and every worker answered: `/livez`. */
  live: boolean;
  /** Running, every queue ready, every worker running: `/readyz`. */
  ready: boolean;
  /** Why not live or not ready, one line each, naming the queue or worker. */
  reasons: string[];
  /** When this snapshot was taken (ISO time). */
  checkedAt: string;
  queues: QueueHealth[];
  workers: WorkerHealth[];
}

/** `createRomeways({ health })`: the HTTP endpoint for Kubernetes probes, served by the parent. */
export interface HealthOptions {
  /** TCP port of `/livez` and `/readyz`. Default 8081; 0 picks a free one. */
  port?: number;
  /** Interface to listen on. Default: every interface (a pod's probes come from its IP). */
  host?: string;
  /** How long a busy loop may go without progress before it is not live. Default 120 000. */
  livenessTtlMs?: number;
}

/** The defaults the shipped Kubernetes manifests (`deploy/`) are written against. */
export const healthDefaults = Object.freeze({
  port: 8081,
  livenessPath: "/livez",
  readinessPath: "/readyz",
  livenessTtlMs: 120_000,
  /** How long the parent waits for a worker's answer before reporting it unresponsive. */
  workerReplyTimeoutMs: 500,
});
