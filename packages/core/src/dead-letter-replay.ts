import type { Connector, ConnectorClass, ConnectorConfig, RawMessage } from "./connector.js";
import { createConnectorContext } from "./connector-context.js";
import { replayOf } from "./dead-letter.js";
import { ConfigError } from "./errors/index.js";
import { RomewaysEmitter } from "./events.js";
import { createConsoleLogger, type Logger } from "./logger.js";
import { romewaysHeaders } from "./message-headers.js";
import { type QueueConfig, resolveQueueConfig } from "./queue-config.js";
import { getRegisteredConnector } from "./registry.js";

export interface DeadLetterReplayOptions {
  /** The connector class, or the name a connector package registered (`"kafka"`). */
  connector: ConnectorClass | string;
  /** The connector config, as given to `connectorRegister` (the connector checks its fields). */
  connectorConfig: ConnectorConfig & Record<string, unknown>;
  /** The dead-letter queue to replay from. */
  deadLetterQueue: string;
  /** Queue config fields of the dead-letter queue's consumer beyond `connectorName` (Kafka: `groupId`). */
  deadLetterQueueConfig?: Omit<QueueConfig, "connectorName"> & Record<string, unknown>;
  /** Queue config fields of a source queue a dead letter goes back to (Kafka: `topic`). */
  queueConfigFor?: (queueName: string) => Record<string, unknown>;
  /** Which dead letters to put back; the others stay in the dead-letter queue, unacknowledged. */
  filter?: (deadLetter: RawMessage) => boolean;
  /** Most dead letters to put back. Default: all. */
  maxMessages?: number;
  /** A poll that waits this long and finds nothing ends the replay. Default 1 000 ms. */
  idleMs?: number;
  signal?: AbortSignal;
  /** Where the connectors log. Default: console, warnings and errors. */
  logger?: Logger;
}

export interface DeadLetterReplayResult {
  /** Dead letters put back, per source queue. */
  replayed: Record<string, number>;
  /** Left in the dead-letter queue: refused by `filter`, or not written by romeways. */
  skipped: number;
}

/**
 * Puts dead letters back on the queues they came from (header `x-romeways-source-queue`), as
 * fresh messages: the payload the producer sent, the key, the first-seen time kept. Each is
 * acknowledged in the dead-letter queue only once its source queue has it, so a replay that
 * stops halfway loses nothing. Run it with the app's connector config, e.g. from a script.
 */
export async function replayDeadLetters(
  options: DeadLetterReplayOptions,
): Promise<DeadLetterReplayResult> {
  const Class = connectorClassOf(options.connector);
  const { connectorConfig, deadLetterQueue } = options;
  const { connectorName } = connectorConfig;
  const sourceConfig = resolveQueueConfig(deadLetterQueue, {
    maxChunkSize: 100,
    ...options.deadLetterQueueConfig,
    connectorName,
  });
  const reporter = {
    logger: options.logger ?? createConsoleLogger("warn"),
    events: new RomewaysEmitter(),
  };
  const contextFor = (queueName: string) =>
    createConnectorContext(reporter, { connectorName, queueName });
  const source = new Class(
    connectorConfig,
    sourceConfig,
    deadLetterQueue,
    contextFor(deadLetterQueue),
  );
  const targets = new Map<string, Connector>();
  const targetFor = (queueName: string): Connector => {
    let target = targets.get(queueName);
    if (target === undefined) {
      const config = resolveQueueConfig(queueName, {
        ...options.queueConfigFor?.(queueName),
        connectorName,
      });
      target = new Class(connectorConfig, config, queueName, contextFor(queueName));
      targets.set(queueName, target);
    }
    return target;
  };
  const result: DeadLetterReplayResult = { replayed: {}, skipped: 0 };
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let count = 0;
  await source.start();
  try {
    while (count < maxMessages && options.signal?.aborted !== true) {
      const chunk = await pollOnce(source, sourceConfig.maxChunkSize, options);
      if (chunk.length === 0) break;
      const done: RawMessage[] = [];
      for (const deadLetter of chunk) {
        const sourceQueue = deadLetter.headers?.[romewaysHeaders.sourceQueue];
        if (
          count >= maxMessages ||
          sourceQueue === undefined ||
          options.filter?.(deadLetter) === false
        ) {
          result.skipped++;
          continue;
        }
        await targetFor(sourceQueue).sendMessage(replayOf(deadLetter, Date.now()));
        result.replayed[sourceQueue] = (result.replayed[sourceQueue] ?? 0) + 1;
        count++;
        done.push(deadLetter);
      }
      if (done.length > 0) await source.ack(done);
    }
  } finally {
    await source.stop();
    await Promise.all([...targets.values()].map((target) => target.stop()));
  }
  return result;
}

function connectorClassOf(connector: ConnectorClass | string): ConnectorClass {
  if (typeof connector !== "string") return connector;
  const found = getRegisteredConnector(connector);
  if (found === undefined) {
    throw new ConfigError(
      `no connector is registered as "${connector}": import its package first`,
      {
        field: "connector",
      },
    );
  }
  return found as unknown as ConnectorClass;
}

async function pollOnce(
  source: Connector,
  maxChunkSize: number,
  options: DeadLetterReplayOptions,
): Promise<RawMessage[]> {
  const idle = new AbortController();
  const timer = setTimeout(() => idle.abort(), options.idleMs ?? 1_000);
  const onAbort = () => idle.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await source.getMessages(maxChunkSize, idle.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
