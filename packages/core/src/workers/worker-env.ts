/** Environment variable that marks a worker process and names its connector and index. */
export const workerEnvKey = "ROMEWAYS_WORKER";

/**
 * The events the parent listens to when it spawns a worker: forwarded from the worker's first
 * moment, so that what happens during its `start()` (a lost connection) reaches the parent too.
 */
export const workerEventsEnvKey = "ROMEWAYS_WORKER_EVENTS";

/** The messages that crashed `maxWorkerCrashes` workers, JSON `{ queueName: identity[] }`. */
export const workerPoisonEnvKey = "ROMEWAYS_WORKER_POISON";

export interface WorkerIdentity {
  connectorName: string;
  workerIndex: number;
}

/** This process's assignment when it runs as a romeways worker, else undefined. */
export function currentWorker(): WorkerIdentity | undefined {
  const marker = process.env[workerEnvKey];
  if (marker === undefined || typeof process.send !== "function") return undefined;
  const separator = marker.lastIndexOf("#");
  return {
    connectorName: marker.slice(0, separator),
    workerIndex: Number(marker.slice(separator + 1)),
  };
}

export function workerMarker(identity: WorkerIdentity): string {
  return `${identity.connectorName}#${identity.workerIndex}`;
}
