import type { Connector } from "./connector.js";
import {
  type ConnectorContext,
  connectionStateOf,
  createConnectorContext,
} from "./connector-context.js";
import type { PublishCall } from "./producer/publish-call.js";
import type { ConnectorRegistration, QueueConsumerRegistration } from "./registration.js";
import {
  buildRunningQueue,
  type ConnectorFactory,
  type QueueDeps,
  type RunningQueue,
} from "./running-queue.js";
import { CrashGuard } from "./workers/crash-guard.js";
import { RemoteConnector } from "./workers/remote-connector.js";
import { Supervisor } from "./workers/supervisor.js";
import type { WorkerChannel } from "./workers/worker-channel.js";

/**
 * The queues one connector runs in this process, not started yet. In a worker, a connector
 * hosted in the parent is reached over `channel`; elsewhere each queue gets its own instance
 * and context (whose connection state health reads).
 */
export function buildQueues(
  registration: ConnectorRegistration,
  consumers: readonly QueueConsumerRegistration[],
  deps: QueueDeps,
  channel: WorkerChannel | undefined,
): RunningQueue[] {
  const { connector: Connector, config: connectorConfig, connectorName } = registration;
  const connections = new Map<string, ConnectorContext>();
  /** In a worker: each consumer's dead-letter instance, for its crash guard. */
  const deadLetters = new Map<string, { connector?: Connector }>();
  const makeConnector: ConnectorFactory =
    channel !== undefined && Connector.hostedInParent === true
      ? (_config, queueName, role) => new RemoteConnector(channel.callParent, queueName, role)
      : (queueConfig, queueName, role) => {
          const context = createConnectorContext(deps, { connectorName, queueName });
          const connector = new Connector(connectorConfig, queueConfig, queueName, context);
          if (role !== "consumer") return connector;
          connections.set(queueName, context);
          if (channel === undefined) return connector;
          const holder: { connector?: Connector } = {};
          deadLetters.set(queueName, holder);
          return new CrashGuard(connector, {
            ref: { connectorName, queueName },
            config: queueConfig,
            channel,
            deadLetter: () => holder.connector,
            events: deps.events,
            logger: deps.logger,
          });
        };
  return consumers
    .filter((consumer) => consumer.config.connectorName === connectorName)
    .map(({ queueName, config, handler }) => {
      const queue = buildRunningQueue(queueName, config, handler, makeConnector, deps);
      const context = connections.get(queueName);
      if (context !== undefined) queue.connection = connectionStateOf(context);
      const holder = deadLetters.get(queueName);
      if (holder !== undefined && queue.deadLetter !== undefined)
        holder.connector = queue.deadLetter;
      return queue;
    });
}

/** The supervisor of a `spawnProcess` connector's workers, not started yet. */
export function supervisorFor(
  registration: ConnectorRegistration,
  consumers: readonly QueueConsumerRegistration[],
  deps: QueueDeps,
  shutdownTimeoutMs: number,
  publish: (call: PublishCall) => Promise<void>,
): Supervisor {
  const queues = new Map(
    consumers
      .filter((c) => c.config.connectorName === registration.connectorName)
      .map((c) => [c.queueName, c.config] as const),
  );
  return new Supervisor({
    registration: {
      ...registration,
      queues,
      hostedInParent: registration.connector.hostedInParent === true,
    },
    events: deps.events,
    logger: deps.logger,
    shutdownTimeoutMs,
    publish,
  });
}
