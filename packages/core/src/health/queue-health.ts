import type { Connector, ConnectorHealth } from "../connector.js";
import { toError } from "../errors/index.js";
import type { QueueRef } from "../events.js";
import type { ConnectionState } from "./connection-state.js";
import type { AppState, QueueHealth } from "./health-types.js";
import type { QueueProbe } from "./queue-probe.js";

/** One running queue as health reads it. */
export interface ProbedQueue {
  ref: QueueRef;
  probe: QueueProbe;
  /** The connector itself (not the probe's wrapper), whose `health()` is asked. */
  connector: Connector;
  connection: ConnectionState | undefined;
  loop: { readonly heldForDelay: number };
}

export interface QueueHealthInput {
  appState: AppState;
  nowMs: number;
  livenessTtlMs: number;
  workerIndex?: number;
}

/** The queue's snapshot: its numbers, and whether it is live and ready, with the reasons. */
export function queueHealth(queue: ProbedQueue, input: QueueHealthInput): QueueHealth {
  const { probe } = queue;
  probe.startTiming();
  const own = connectorHealth(queue);
  const connected = own.connected && (queue.connection?.connected ?? true);
  const heldForDelay = queue.loop.heldForDelay;
  const reasons: string[] = [];
  const name = `queue "${queue.ref.queueName}" (connector "${queue.ref.connectorName}")`;
  const state = queueState(input.appState);
  let ready = state === "running";
  if (!ready) reasons.push(`${name} is ${state}`);
  if (!connected) {
    ready = false;
    const why = own.reason ?? queue.connection?.cause ?? "the connector reports it";
    reasons.push(`${name} is not connected: ${why}`);
  }
  if (own.assigned !== undefined && own.assigned.length === 0) {
    ready = false;
    reasons.push(`${name} holds no partition: ${own.reason ?? "none assigned"}`);
  }
  if (probe.pollFailures > 0) {
    ready = false;
    reasons.push(`${name}: its last ${probe.pollFailures} poll(s) failed`);
  }
  const inFlight = Math.max(0, probe.taken - heldForDelay);
  const idleMs = input.nowMs - probe.lastProgress;
  // Waiting in a poll is the broker's time, sleeping between polls the frequency's: only a loop
  // with work in hand and no progress for the TTL is stuck.
  const live = probe.polling || inFlight === 0 || idleMs <= input.livenessTtlMs;
  if (!live) {
    reasons.push(
      `${name} made no progress for ${Math.round(idleMs)} ms with ${inFlight} message(s) in flight (livenessTtlMs ${input.livenessTtlMs})`,
    );
  }
  const health: QueueHealth = {
    ...queue.ref,
    pid: process.pid,
    state,
    connected,
    inFlight,
    heldForDelay,
    live,
    ready,
    reasons,
  };
  if (input.workerIndex !== undefined) health.workerIndex = input.workerIndex;
  if (own.assigned !== undefined) health.assigned = [...own.assigned];
  if (own.lag !== undefined) health.lag = own.lag;
  if (probe.lastPollAt !== undefined) health.lastPollAt = new Date(probe.lastPollAt).toISOString();
  if (probe.lastOutcome !== undefined) {
    const { outcome, at } = probe.lastOutcome;
    health.lastOutcome = { outcome, at: new Date(at).toISOString() };
  }
  if (probe.lastError !== undefined) {
    const { message, phase, at } = probe.lastError;
    health.lastError = { message, phase, at: new Date(at).toISOString() };
  }
  return health;
}

function queueState(app: AppState): QueueHealth["state"] {
  if (app === "idle") return "stopped";
  return app;
}

/** The connector's own view; one that throws counts as not connected, with its message. */
function connectorHealth(queue: ProbedQueue): ConnectorHealth {
  const ask = queue.connector.health;
  if (typeof ask !== "function") return { connected: true };
  try {
    return ask.call(queue.connector);
  } catch (error) {
    return { connected: false, reason: `health() threw: ${toError(error).message}` };
  }
}
