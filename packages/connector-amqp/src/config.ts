import {
  type ConfigFailure,
  type ConnectorConfig,
  type ConnectorConfigSpec,
  configFailure,
  type QueueConfig,
} from "@romeways/core";
import type { SocketOptions } from "amqplib";

/** The two durable queue types of RabbitMQ that romeways declares. */
export type AmqpQueueType = "classic" | "quorum";

/** Connector config of the AMQP connector: where RabbitMQ is, and defaults for its queues. */
export interface AmqpConnectorConfig extends ConnectorConfig {
  /**
   * `amqp://user:password@host:port/vhost`, or `amqps://` for TLS; query parameters such as
   * `heartbeat=30` or `frameMax` apply. Default `amqp://localhost`.
   */
  url?: string;
  /** Socket and TLS options passed to amqplib's `connect` (certificates, `timeout`, ...). */
  socketOptions?: SocketOptions;
  /**
   * The type of queues this connector declares when a queue config does not say: the
   * consumers' queues and the dead-letter queues it sends to. Default `"classic"`.
   */
  queueType?: AmqpQueueType;
  /** Declare queues (durable) before using them. Default true; false: they must exist. */
  declare?: boolean;
}

/** Queue config of the AMQP connector. */
export interface AmqpQueueConfig extends QueueConfig {
  /** The RabbitMQ queue to consume and to resend to. Default: the queue name. */
  queue?: string;
  /** `"classic"` or `"quorum"` (delivery count on the raw message). Default: the connector's. */
  queueType?: AmqpQueueType;
  /** Declare the queue (and exchange and bindings) on start. Default: the connector's (true). */
  declare?: boolean;
  /** More `x-` arguments of the queue declaration, e.g. `{ "x-delivery-limit": 20 }`. */
  queueArguments?: Record<string, unknown>;
  /**
   * Most messages the broker hands this consumer before it acknowledges some (`basic.qos`).
   * Default: twice the larger of `maxChunkSize` and `concurrency`, so the next chunk is on
   * its way while one is handled.
   */
  prefetch?: number;
  /**
   * Publish resends and sends to this exchange, with the message's key (or the queue name
   * when it has none) as the routing key. Default: the default exchange, straight to the queue.
   */
  exchange?: string;
  /** The exchange's type when declared. Default `"direct"`. */
  exchangeType?: "direct" | "topic" | "headers" | "fanout";
  /** Routing keys the queue is bound to the exchange with, when declared. Default: the queue name. */
  bindingKeys?: readonly string[];
}

/** What a consumer instance needs, checked when it starts. */
export interface ConsumerSettings {
  prefetch: number;
}

/** What sending needs: checked in the constructor (a send-only instance has generic fields only). */
export interface QueueSettings {
  queue: string;
  queueType: AmqpQueueType;
  declare: boolean;
  queueArguments: Record<string, unknown>;
  exchange: string | undefined;
  exchangeType: "direct" | "topic" | "headers" | "fanout";
  bindingKeys: readonly string[];
}

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function checkConnectorConfig(config: AmqpConnectorConfig, queueName: string): void {
  const fail = configFailure(queueName, config?.connectorName);
  if (typeof config !== "object" || config === null) {
    fail(
      "config",
      'pass an AMQP connector config, e.g. { connectorName, url: "amqp://localhost" }',
    );
  }
  if (config.url !== undefined && !/^amqps?:\/\/./.test(String(config.url))) {
    fail("url", `url must start with amqp:// or amqps://, got ${String(config.url)}`);
  }
  if (config.queueType !== undefined) queueType(config.queueType, fail);
  if (config.declare !== undefined && typeof config.declare !== "boolean") {
    fail("declare", `declare must be true or false, got ${String(config.declare)}`);
  }
}

/** The queue, its type and routing, from the queue config and the connector's defaults. */
export function resolveQueueSettings(
  connectorConfig: AmqpConnectorConfig,
  config: AmqpQueueConfig,
  queueName: string,
): QueueSettings {
  const fail = configFailure(queueName, config.connectorName);
  const { queue = queueName, exchange, exchangeType = "direct", queueArguments = {} } = config;
  if (typeof queue !== "string" || queue.length === 0 || queue.length > 255) {
    fail("queue", "queue must be a non-empty string of at most 255 characters");
  }
  if (queue.startsWith("amq.")) fail("queue", `queue names starting with "amq." are the broker's`);
  const declare = config.declare ?? connectorConfig.declare ?? true;
  if (typeof declare !== "boolean")
    fail("declare", `declare must be true or false, got ${String(declare)}`);
  if (exchange !== undefined && (typeof exchange !== "string" || exchange.length === 0)) {
    fail("exchange", "exchange must be a non-empty string, or left out for the default exchange");
  }
  if (!["direct", "topic", "headers", "fanout"].includes(exchangeType)) {
    fail(
      "exchangeType",
      `exchangeType must be direct, topic, headers or fanout, got ${String(exchangeType)}`,
    );
  }
  const bindingKeys = config.bindingKeys ?? [queue];
  if (!Array.isArray(bindingKeys) || bindingKeys.some((key) => typeof key !== "string")) {
    fail("bindingKeys", "bindingKeys must be an array of routing keys");
  }
  if (
    typeof queueArguments !== "object" ||
    queueArguments === null ||
    Array.isArray(queueArguments)
  ) {
    fail("queueArguments", "queueArguments must be an object of x- arguments");
  }
  return {
    queue,
    queueType: queueType(config.queueType ?? connectorConfig.queueType ?? "classic", fail),
    declare,
    queueArguments,
    exchange,
    exchangeType,
    bindingKeys,
  };
}

/** Checks the consumer-only fields, needed by `start()` and not by a send-only instance. */
export function resolveConsumerSettings(
  config: AmqpQueueConfig,
  queueName: string,
): ConsumerSettings {
  const fail = configFailure(queueName, config.connectorName);
  const widest = Math.max(config.maxChunkSize ?? 10, config.concurrency ?? 1);
  const prefetch = config.prefetch ?? Math.min(2 * widest, 65_535);
  // basic.qos carries a 16-bit count; 0 would mean "no limit", which ends back-pressure.
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65_535) {
    fail("prefetch", `prefetch must be an integer from 1 to 65535, got ${String(prefetch)}`);
  }
  if (config.prefetch !== undefined && config.prefetch < (config.maxChunkSize ?? 10)) {
    fail(
      "prefetch",
      `prefetch (${prefetch}) must be at least maxChunkSize (${config.maxChunkSize ?? 10})`,
    );
  }
  return { prefetch };
}

function queueType(value: unknown, fail: ConfigFailure): AmqpQueueType {
  if (value !== "classic" && value !== "quorum") {
    fail("queueType", `queueType must be "classic" or "quorum", got ${String(value)}`);
  }
  return value as AmqpQueueType;
}

/** Core checks these before start() (and the test harness, which never connects). */
export const amqpConfigSpec: ConnectorConfigSpec<AmqpConnectorConfig, AmqpQueueConfig> = {
  connectorFields: { url: true, socketOptions: true, queueType: true, declare: true },
  queueFields: {
    queue: true,
    queueType: true,
    declare: true,
    queueArguments: true,
    prefetch: true,
    exchange: true,
    exchangeType: true,
    bindingKeys: true,
  },
  check(connectorConfig, queueConfig, queueName) {
    checkConnectorConfig(connectorConfig, queueName);
    resolveQueueSettings(connectorConfig, queueConfig, queueName);
    resolveConsumerSettings(queueConfig, queueName);
  },
};
