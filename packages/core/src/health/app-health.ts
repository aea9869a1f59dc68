import type { Clock } from "../clock.js";
import type { RomewaysEmitter } from "../events.js";
import type { AppState, QueueHealth, RomewaysHealth, WorkerHealth } from "./health-types.js";
import { onInternal } from "./internal-listeners.js";
import { type ProbedQueue, queueHealth } from "./queue-health.js";

/** What a supervisor tells about its workers and the queues they run. */
export interface WorkersReport {
  workers: WorkerHealth[];
  queues: QueueHealth[];
}

const keyOf = (connectorName: string, queueName: string) => `${connectorName}\u0000${queueName}`;

/**
 * The health of one process's queues, plus (in the parent) what the workers report. Outcomes are
 * tracked from the first `health()` on, or from `start()` when the HTTP endpoint is enabled: a
 * listener of `message:outcome` makes each loop time its messages, which apps without health
 * should not pay for.
 */
export class AppHealth {
  private readonly queues = new Map<string, ProbedQueue>();
  private trackingOutcomes = false;

  constructor(
    private readonly events: RomewaysEmitter,
    private readonly clock: Pick<Clock, "now">,
    readonly livenessTtlMs: number,
  ) {
    onInternal(events, "connector:error", ({ connectorName, queueName, phase, error }) =>
      this.queues.get(keyOf(connectorName, queueName))?.probe.error(phase, error),
    );
  }

  /** The queues this process runs now (replaced on every start). */
  setQueues(queues: readonly ProbedQueue[]): void {
    this.queues.clear();
    for (const queue of queues)
      this.queues.set(keyOf(queue.ref.connectorName, queue.ref.queueName), queue);
  }

  trackOutcomes(): void {
    if (this.trackingOutcomes) return;
    this.trackingOutcomes = true;
    onInternal(this.events, "message:outcome", ({ connectorName, queueName, outcome }) => {
      const error = "error" in outcome ? outcome.error : undefined;
      this.queues
        .get(keyOf(connectorName, queueName))
        ?.probe.outcome(outcome.outcome, outcome.outcome === "handled" ? undefined : error);
    });
  }

  /** This process's queues. */
  local(appState: AppState, workerIndex?: number): QueueHealth[] {
    this.trackOutcomes();
    const input = { appState, nowMs: this.clock.now(), livenessTtlMs: this.livenessTtlMs };
    return [...this.queues.values()].map((queue) =>
      queueHealth(queue, workerIndex === undefined ? input : { ...input, workerIndex }),
    );
  }

  /** The whole app: this process's queues and every supervisor's workers. */
  snapshot(appState: AppState, workers: readonly WorkersReport[]): RomewaysHealth {
    const queues = [...this.local(appState), ...workers.flatMap((report) => report.queues)];
    const workerList = workers.flatMap((report) => report.workers);
    const reasons: string[] = [];
    let live = appState !== "stopped" && appState !== "idle";
    let ready = appState === "running";
    if (!ready) reasons.push(`the app is ${appState}`);
    for (const queue of queues) {
      if (!queue.live) live = false;
      if (!queue.ready) ready = false;
      reasons.push(...queue.reasons);
    }
    for (const worker of workerList) {
      const name = `worker ${worker.workerIndex} of connector "${worker.connectorName}" (pid ${worker.pid})`;
      if (worker.state !== "running") {
        ready = false;
        reasons.push(`${name} is ${worker.state}`);
      } else if (!worker.responded) {
        live = false;
        ready = false;
        reasons.push(`${name} did not answer the health request in time`);
      }
    }
    return {
      state: appState,
      live,
      ready,
      reasons,
      checkedAt: new Date().toISOString(),
      queues,
      workers: workerList,
    };
  }
}
