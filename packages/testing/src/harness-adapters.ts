import {
  type ConnectorClass,
  type ConnectorConfig,
  getRegisteredConnector,
  type QueueConfig,
  type RawMessage,
  registeredConnectorNames,
} from "@romeways/core";
import { FakeConnector, type FakeConnectorConfig } from "./fake-connector.js";

/** What an adapter knows of the message it fills in. */
export interface HarnessDelivery {
  queueName: string;
  queueConfig: QueueConfig;
  /** 0 for the first message delivered on this queue, then 1, 2, ... */
  sequence: number;
  /** The harness clock's epoch milliseconds. */
  nowMs: number;
}

/**
 * How the harness makes a fake message look like one a real connector delivers: the fields
 * its `message.raw` carries beyond `RawMessage` (Kafka's topic, partition and offset, ...).
 */
export interface HarnessAdapter {
  /** Fields added to each message the first time the fake connector delivers it. */
  rawFields(raw: RawMessage, delivery: HarnessDelivery): Record<string, unknown>;
  /**
   * For a connector whose class declares no `configSpec.check`: what its `start()` would
   * refuse, checked without connecting (throw a `ConfigError` naming the field).
   */
  check?(connectorConfig: ConnectorConfig, queueConfig: QueueConfig, queueName: string): void;
}

/** Adapters of the connectors of this repository, by the name each registers under. */
const adapters = new Map<string, HarnessAdapter>([
  [
    "kafka",
    {
      rawFields: (raw, { queueName, queueConfig, sequence, nowMs }) => ({
        topic: (queueConfig as { topic?: string }).topic ?? queueName,
        partition: 0,
        offset: String(sequence),
        timestamp: String(nowMs),
        headers: raw.headers ?? {},
      }),
    },
  ],
  [
    "redis",
    {
      rawFields: (_raw, { queueName, queueConfig, sequence, nowMs }) => ({
        stream: (queueConfig as { stream?: string }).stream ?? queueName,
        id: `${nowMs}-${sequence}`,
      }),
    },
  ],
  ["postgres", { rawFields: (_raw, { sequence }) => ({ id: String(sequence + 1) }) }],
  [
    "amqp",
    {
      rawFields: (raw, { queueName, queueConfig }) => {
        const { queue, exchange } = queueConfig as { queue?: string; exchange?: string };
        return {
          queue: queue ?? queueName,
          exchange: exchange ?? "",
          routingKey: queue ?? queueName,
          redelivered: false,
          deliveryCount: undefined,
          properties: { headers: raw.headers ?? {} },
        };
      },
    },
  ],
  [
    "nats",
    {
      rawFields: (_raw, { queueName, queueConfig, sequence }) => {
        const { subject, stream } = queueConfig as { subject?: string; stream?: string };
        return {
          subject: subject ?? queueName,
          stream: stream ?? queueName,
          streamSequence: sequence + 1,
          deliveryCount: 1,
        };
      },
    },
  ],
  [
    "sqs",
    {
      rawFields: (_raw, { sequence }) => ({
        sqs: {
          messageId: `harness-${sequence}`,
          receiptHandle: `harness-receipt-${sequence}`,
          receiveCount: 1,
        },
      }),
    },
  ],
]);

/**
 * Makes the harness fill in the raw fields of connector `name` (as it registers with
 * `registerConnector`). Connector packages call it from a test-only module, or tests do.
 */
export function registerHarnessAdapter(name: string, adapter: HarnessAdapter): void {
  adapters.set(name, adapter);
}

/** The adapter for a connector class: the one registered under the class's registered name. */
export function harnessAdapterOf(connector: unknown): HarnessAdapter | undefined {
  for (const name of registeredConnectorNames()) {
    if (getRegisteredConnector(name) === connector) return adapters.get(name);
  }
  return undefined;
}

/**
 * `FakeConnector`, or a subclass of it whose messages carry the adapter's fields. They are
 * set on the message object itself, once, so an acknowledgement or a redelivery sees the
 * same message (and a redelivered Kafka message keeps its offset).
 */
export function fakeConnectorFor(
  adapter: HarnessAdapter | undefined,
  epochNow: () => number,
): ConnectorClass<FakeConnectorConfig, QueueConfig> {
  if (adapter === undefined) return FakeConnector;
  const adapted = new WeakSet<RawMessage>();
  const sequences = new Map<string, number>();
  return class AdaptedFakeConnector extends FakeConnector {
    readonly #queueConfig: QueueConfig;

    constructor(connectorConfig: FakeConnectorConfig, queueConfig: QueueConfig, queueName: string) {
      super(connectorConfig, queueConfig, queueName);
      this.#queueConfig = queueConfig;
    }

    override async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
      const messages = await super.getMessages(maxChunkSize, signal);
      for (const raw of messages) {
        if (adapted.has(raw)) continue;
        adapted.add(raw);
        const sequence = sequences.get(this.queueName) ?? 0;
        sequences.set(this.queueName, sequence + 1);
        const delivery = {
          queueName: this.queueName,
          queueConfig: this.#queueConfig,
          sequence,
          nowMs: epochNow(),
        };
        Object.assign(raw, adapter.rawFields(raw, delivery));
      }
      return messages;
    }
  };
}
