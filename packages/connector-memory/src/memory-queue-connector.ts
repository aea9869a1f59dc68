import {
  ConfigError,
  type Connector,
  type ConnectorConfig,
  type ConnectorConfigSpec,
  type QueueConfig,
  type RawMessage,
} from "@romeways/core";
import { InFlight } from "./in-flight.js";
import { MemoryQueue } from "./memory-queue.js";

/** Connector config of the memory connector (Python romeways' `MemoryConnectorConfig`). */
export interface MemoryConnectorConfig extends ConnectorConfig {}

/** Queue config of the memory connector (Python romeways' `MemoryQueueConfig`). */
export interface MemoryQueueConfig extends QueueConfig {
  /** The queue to consume; default: `MemoryQueue.named(queueName)`. */
  queue?: MemoryQueue;
}

/**
 * Delivers a `MemoryQueue`. Messages taken but not acknowledged go back to the front of the
 * queue when the connector stops, so a stop loses nothing.
 */
export class MemoryQueueConnector implements Connector {
  /** The queues live in the process that created them: workers use the parent's over IPC. */
  static readonly hostedInParent = true;
  /** Its one queue field, checked as the constructor does, for core and the test harness. */
  static readonly configSpec: ConnectorConfigSpec<MemoryConnectorConfig, MemoryQueueConfig> = {
    connectorFields: {},
    queueFields: { queue: true },
    check(_connectorConfig, queueConfig, queueName) {
      checkQueue(queueConfig, queueName);
    },
  };
  private readonly queue: MemoryQueue;
  private readonly inFlight = new InFlight();
  /** Ends a poll still waiting when the connector stops. */
  private readonly stopped = new AbortController();

  constructor(
    _connectorConfig: MemoryConnectorConfig,
    queueConfig: MemoryQueueConfig,
    queueName: string,
  ) {
    this.queue = checkQueue(queueConfig, queueName) ?? MemoryQueue.named(queueName);
  }

  async start(): Promise<void> {}

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    // Composing signals costs more than taking a chunk: only a poll that will wait needs stop's.
    const waitSignal =
      this.queue.size > 0 ? signal : AbortSignal.any([signal, this.stopped.signal]);
    const messages = await this.queue.take(maxChunkSize, waitSignal);
    this.inFlight.add(messages);
    return messages;
  }

  async sendMessage(message: RawMessage): Promise<void> {
    this.queue.putRaw(message);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    this.inFlight.ack(messages);
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    this.queue.putBack(this.inFlight.drain());
  }
}

function checkQueue(queueConfig: MemoryQueueConfig, queueName: string): MemoryQueue | undefined {
  const queue = queueConfig.queue;
  if (queue !== undefined && !(queue instanceof MemoryQueue)) {
    throw new ConfigError("queue must be a MemoryQueue from @romeways/connector-memory", {
      queueName,
      connectorName: queueConfig.connectorName,
      field: "queue",
    });
  }
  return queue;
}
