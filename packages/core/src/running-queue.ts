import type { Clock } from "./clock.js";
import type { Connector } from "./connector.js";
import { reportConnectorError } from "./connector-error.js";
import { ConsumerLoop, type Handler } from "./consumer-loop.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import type { ConnectionState } from "./health/connection-state.js";
import type { ProbedQueue } from "./health/queue-health.js";
import { QueueProbe } from "./health/queue-probe.js";
import type { Instrumentation } from "./instrumentation.js";
import type { Logger } from "./logger.js";
import { deadLetterQueueConfig, type ResolvedQueueConfig } from "./queue-config.js";

/** Builds the connector instance for a queue; in a worker it may be a proxy to the parent. */
export type ConnectorFactory = (
  queueConfig: ResolvedQueueConfig,
  queueName: string,
  role: "consumer" | "dead-letter",
) => Connector;

export interface RunningQueue extends ProbedQueue {
  ref: QueueRef;
  loop: ConsumerLoop;
  connector: Connector;
  deadLetter: Connector | undefined;
}

export interface QueueDeps {
  events: RomewaysEmitter;
  logger: Logger;
  clock: Clock;
  /** The app's instrumentation, guarded; undefined when none was given. */
  instrumentation?: Instrumentation | undefined;
}

/** One consumer's connector (plus its dead-letter connector) and poll loop, not started yet. */
export function buildRunningQueue(
  queueName: string,
  config: ResolvedQueueConfig,
  handler: Handler,
  makeConnector: ConnectorFactory,
  deps: QueueDeps,
): RunningQueue {
  const connector = makeConnector(config, queueName, "consumer");
  const deadLetter =
    config.deadLetterQueue === undefined
      ? undefined
      : makeConnector(deadLetterQueueConfig(config), config.deadLetterQueue, "dead-letter");
  const ref = { connectorName: config.connectorName, queueName };
  // Wrapped once here, so that without an instrumentation the handler path is untouched.
  const wrap = deps.instrumentation?.wrapHandler;
  const called = wrap === undefined ? handler : wrap(handler, ref);
  const probe = new QueueProbe(deps.clock);
  const loop = new ConsumerLoop({
    queueName,
    config,
    connector,
    deadLetter,
    probe,
    ...deps,
    handler: called,
  });
  const connection: ConnectionState | undefined = undefined;
  return { ref, loop, connector, deadLetter, probe, connection };
}

/** Starts every queue's connector; on a failure stops those that started and rethrows. */
export async function startRunningQueues(queues: RunningQueue[], deps: QueueDeps): Promise<void> {
  const results = await Promise.allSettled(
    queues.map(async (queue) => {
      try {
        await queue.connector.start();
      } catch (error) {
        // start() rejects with it too; the event lets a listener see which queue failed.
        reportConnectorError(deps, queue.ref, "start", error);
        throw error;
      }
      deps.logger.info(
        queue.ref,
        `connector "${queue.ref.connectorName}" started for queue "${queue.ref.queueName}"`,
      );
      deps.events.emit("connector:started", queue.ref);
      return queue;
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure === undefined) return;
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  await Promise.all(started.map((queue) => stopRunningQueue(queue, deps)));
  throw failure.reason;
}

/** Stops a queue's connectors; failures are reported, never thrown. */
export async function stopRunningQueue(queue: RunningQueue, deps: QueueDeps): Promise<void> {
  for (const connector of [queue.connector, queue.deadLetter]) {
    if (connector === undefined) continue;
    try {
      await connector.stop();
    } catch (thrown) {
      reportConnectorError(deps, queue.ref, "stop", thrown);
    }
  }
  deps.events.emit("connector:stopped", queue.ref);
}
