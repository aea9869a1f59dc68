import type { Connector, ConnectorConfig, QueueConfig, RawMessage } from "@romeways/core";
import { FakeBroker } from "./fake-broker.js";
import type { FakeQueue } from "./fake-queue.js";

/** Connector config of the fake connector. */
export interface FakeConnectorConfig extends ConnectorConfig {
  /** Where the queues live; default `FakeBroker.shared`. */
  broker?: FakeBroker;
}

/**
 * A connector over a `FakeBroker` that keeps the connector contract to the letter, and
 * fails loudly where a caller breaks it (a poll before `start()`, an acknowledgement of a
 * message it never delivered), so that what passes against the fake passes against a broker.
 */
export class FakeConnector implements Connector {
  readonly queue: FakeQueue;
  private started = false;

  constructor(
    connectorConfig: FakeConnectorConfig,
    _queueConfig: QueueConfig,
    readonly queueName: string,
  ) {
    this.queue = (connectorConfig.broker ?? FakeBroker.shared).queue(queueName);
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    this.assertStarted("getMessages");
    if (!Number.isInteger(maxChunkSize) || maxChunkSize < 1) {
      throw new RangeError(
        `FakeConnector: maxChunkSize must be an integer >= 1, got ${maxChunkSize}`,
      );
    }
    return this.queue.take(maxChunkSize, signal, this);
  }

  // No start() needed: core publishes dead letters through an instance it never starts.
  async sendMessage(message: RawMessage): Promise<void> {
    this.queue.send(message);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    this.assertStarted("ack");
    this.queue.ack(messages, this);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.queue.release(this);
  }

  private assertStarted(method: string): void {
    if (!this.started) {
      throw new Error(
        `FakeConnector: ${method}() on queue "${this.queueName}" before start() or after stop()`,
      );
    }
  }
}
