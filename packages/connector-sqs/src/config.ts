import type { SQSClientConfig } from "@aws-sdk/client-sqs";
import {
  type ConfigFailure,
  type ConnectorConfig,
  configFailure,
  type QueueConfig,
} from "@romeways/core";

/** Connector config of the SQS connector: where SQS is, and whether queues are created. */
export interface SqsConnectorConfig extends ConnectorConfig {
  /**
   * The SQS endpoint, e.g. `http://127.0.0.1:9324` for ElasticMQ or LocalStack. Default: the
   * AWS endpoint of `region` (or `client.endpoint`).
   */
  endpoint?: string;
  /** The AWS region. Default: the SDK's (`AWS_REGION`, the shared config). */
  region?: string;
  /**
   * Options for `new SQSClient(...)` (credentials, retries, request handler); `endpoint` and
   * `region` beside it win.
   */
  client?: SQSClientConfig;
  /**
   * Create a queue that does not exist yet (`CreateQueue`, FIFO when the name ends in `.fifo`)
   * when it is first used, dead-letter queues included. Default true.
   */
  createQueues?: boolean;
}

/** Queue config of the SQS connector. */
export interface SqsQueueConfig extends QueueConfig {
  /**
   * The SQS queue name, or its full URL. Default: the queue name. A name ending in `.fifo` is a
   * FIFO queue: messages of one key stay in order.
   */
  queue?: string;
  /**
   * Seconds a taken message stays invisible to other consumers. A running consumer extends what
   * it holds every third of this (`ChangeMessageVisibility`), so a long handler keeps its
   * message; after a crash, its messages come back after at most this long. Default 30.
   */
  visibilityTimeout?: number;
  /** Longest one `ReceiveMessage` waits on the server (`WaitTimeSeconds`, 1 to 20). Default 20. */
  waitTimeSeconds?: number;
  /** The `MessageGroupId` of messages without a key on a FIFO queue. Default "default". */
  groupId?: string;
}

/** What a consumer instance needs, checked when it starts. */
export interface ConsumerSettings {
  visibilityTimeout: number;
  waitTimeSeconds: number;
}

// SQS' own limit on VisibilityTimeout: 12 hours.
const maxVisibilitySeconds = 43_200;

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function checkConnectorConfig(config: SqsConnectorConfig, queueName: string): void {
  const fail = configFailure(queueName, config?.connectorName);
  if (typeof config !== "object" || config === null) {
    fail("config", 'pass an SQS connector config, e.g. { connectorName, region: "eu-west-1" }');
  }
  for (const field of ["endpoint", "region"] as const) {
    const value = config[field];
    if (value !== undefined && (typeof value !== "string" || value.length === 0)) {
      fail(field, `${field} must be a non-empty string`);
    }
  }
  if (config.endpoint !== undefined && !URL.canParse(config.endpoint)) {
    fail(
      "endpoint",
      `endpoint must be a URL such as "http://127.0.0.1:9324", got ${config.endpoint}`,
    );
  }
  if (
    config.client !== undefined &&
    (typeof config.client !== "object" || config.client === null)
  ) {
    fail("client", "client must be an object of SQSClient options");
  }
  if (config.createQueues !== undefined && typeof config.createQueues !== "boolean") {
    fail("createQueues", "createQueues must be true or false");
  }
}

/** The SQS queue (a name or a URL) of a queue: `queue` if set, else the queue name. */
export function resolveSqsQueue(
  config: QueueConfig & { queue?: unknown },
  queueName: string,
): string {
  const { queue } = config;
  if (queue === undefined) return queueName;
  if (typeof queue !== "string" || queue.length === 0) {
    configFailure(queueName, config.connectorName)(
      "queue",
      "queue must be a non-empty SQS queue name or URL",
    );
  }
  return queue as string;
}

/** The group id of keyless messages on a FIFO queue. */
export function resolveGroupId(
  config: QueueConfig & { groupId?: unknown },
  queueName: string,
): string {
  const { groupId } = config;
  if (groupId === undefined) return "default";
  if (typeof groupId !== "string" || groupId.length === 0 || groupId.length > 128) {
    configFailure(queueName, config.connectorName)(
      "groupId",
      "groupId must be a string of 1 to 128 characters",
    );
  }
  return groupId as string;
}

/** Checks the consumer-only fields, needed by `start()` and not by a send-only instance. */
export function resolveConsumerSettings(
  config: SqsQueueConfig,
  queueName: string,
): ConsumerSettings {
  const fail = configFailure(queueName, config.connectorName);
  return {
    visibilityTimeout: integerIn(
      config.visibilityTimeout ?? 30,
      "visibilityTimeout",
      fail,
      1,
      maxVisibilitySeconds,
    ),
    waitTimeSeconds: integerIn(config.waitTimeSeconds ?? 20, "waitTimeSeconds", fail, 1, 20),
  };
}

function integerIn(
  value: unknown,
  field: string,
  fail: ConfigFailure,
  min: number,
  max: number,
): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(
      field,
      `${field} must be an integer from ${min} to ${max} (seconds), got ${String(value)}`,
    );
  }
  return value as number;
}
