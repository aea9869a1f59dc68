import type { ConnectorConfigSpec } from "./config-spec.js";
import type { ConnectorContext } from "./connector-context.js";
import type { QueueConfig } from "./queue-config.js";

/**
 * One message as a connector sees it. A connector may return objects carrying more fields
 * (offsets, receipt handles): core hands the same objects back to `ack`.
 */
export interface RawMessage {
  /** The bytes of the message; `null` for a message without a body (a Kafka tombstone). */
  body: Uint8Array | null;
  key?: Uint8Array | string;
  headers?: Record<string, string>;
}

/** Settings shared by every connector (Python romeways' `GenericConnectorConfig`). */
export interface ConnectorConfig {
  /** The name queue consumers use to pick this connector. */
  connectorName: string;
}

/**
 * The contract between core and a broker. Core builds one instance per (connector, queue)
 * and drives it from one poll loop. The rules core relies on, registration, type augmentation
 * and the conformance suite every connector runs:
 * {@link https://github.com/romeways/romeways-ts/blob/main/docs/writing-a-connector.md | Writing a connector}.
 */
export interface Connector {
  /** Connect and subscribe. */
  start(): Promise<void>;
  /**
   * Up to `maxChunkSize` messages. May wait for the first one (a long poll) and must
   * return (an empty array is fine) as soon as `signal` aborts.
   */
  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]>;
  /**
   * Publish to this instance's queue. Must also work on an instance that was never
   * started: core sends dead letters through such an instance.
   */
  sendMessage(message: RawMessage): Promise<void>;
  /** The outcome of these messages is final: they may be forgotten (committed). */
  ack(messages: RawMessage[]): Promise<void>;
  /** Release everything; messages taken but not acknowledged must be delivered again. */
  stop(): Promise<void>;
  /**
   * Optional, synchronous and cheap (health probes call it often): what only the connector
   * knows about its link to the broker. Without it, core judges the instance by its context's
   * `reportDisconnected` / `reportReconnected` calls.
   */
  health?(): ConnectorHealth;
}

/** A connector's own view of its link to the broker, merged by core into `romeways.health()`. */
export interface ConnectorHealth {
  /** false while the broker cannot be reached. */
  connected: boolean;
  /**
   * Partitions or shards this instance holds, e.g. `["orders-0"]`. Omit when the broker does
   * not assign any; an empty array means "assigns, but holds none now" (not ready).
   */
  assigned?: readonly string[];
  /** Messages waiting for this consumer, when the broker tells. */
  lag?: number;
  /** One line: why not connected, or not assigned. */
  reason?: string;
}

/**
 * A connector class: core calls `new C(connectorConfig, queueConfig, queueName, context)`. A
 * class whose constructor takes three arguments still fits; declare the fourth
 * (`context?: ConnectorContext`) to log through the app's logger and report background errors.
 */
export interface ConnectorClass<
  TConnectorConfig extends ConnectorConfig = ConnectorConfig,
  TQueueConfig extends QueueConfig = QueueConfig,
> {
  new (
    connectorConfig: TConnectorConfig,
    queueConfig: TQueueConfig,
    queueName: string,
    context: ConnectorContext,
  ): Connector;
  /**
   * true when the connector's state lives in the process that created it (an in-memory
   * queue): with `spawnProcess`, workers then reach the parent's instances over IPC instead
   * of building their own.
   */
  readonly hostedInParent?: boolean;
  /**
   * The connector's config fields and a check of both configs that needs no connection: core
   * runs it at `start()` (and `@romeways/testing`'s harness does), making unknown fields and
   * missing required ones a `ConfigError` before anything connects.
   */
  readonly configSpec?: ConnectorConfigSpec<TConnectorConfig, TQueueConfig>;
}
