import {
  type ConfigFailure,
  type ConnectorConfig,
  configFailure,
  type QueueConfig,
} from "@romeways/core";
import {
  defaultPartitionAssigners,
  isPartitionAssignerName,
  type PartitionAssignerName,
  partitionAssignerNames,
} from "./assigners/index.js";
import type { TopicCreation } from "./kafkajs-admin.js";
import type {
  ClientSettings,
  ConsumerSettings,
  KafkaClientOptions,
  KafkaPartitionAssigner,
} from "./kafkajs-client.js";
import { type KafkaLogLevel, kafkaLogLevelOf, kafkaLogLevels } from "./kafkajs-log.js";
import { type KafkaProducerOptions, resolveProducerSettings } from "./producer-options.js";

/** Connector config of the Kafka connector (Python romeways' `bootstrap_server` and `client_id`). */
export interface KafkaConnectorConfig extends ConnectorConfig, KafkaClientOptions {
  /** Bootstrap brokers: `["host1:9092", "host2:9092"]` or `"host1:9092,host2:9092"`. */
  brokers: string | string[];
  /** The client id brokers see in their logs and quotas. Default: `romeways-<connectorName>`. */
  clientId?: string;
  /**
   * Let a send to, or a subscription to, a missing topic create it with the broker's defaults;
   * `start()` creates the queue's topic and its dead-letter topic before joining. Default
   * false: a missing topic is an error naming it, so a typo never creates a topic.
   */
  allowAutoTopicCreation?: boolean;
  /**
   * `start()` creates the queue's topic and dead-letter topic if missing, with these
   * partitions, replicas and configs (`true`: the broker's defaults). Default: as
   * allowAutoTopicCreation. Existing topics are never changed.
   */
  createTopics?: TopicCreation;
  /**
   * The least level of kafkajs's own lines written to the app's logger, after the connector
   * re-levels them: routine rebalances and retries are debug (the connector logs joins and
   * assignments at info, an outage once at warn), real failures warn or error. Default "info".
   * Replaces kafkajs's numeric `logLevel`, which still works but needs `import "kafkajs"`.
   */
  kafkaLogLevel?: KafkaLogLevel;
  /** How the producer writes: acks (default "all") and idempotence (default off). */
  producer?: KafkaProducerOptions;
}

/** Queue config of the Kafka connector. */
export interface KafkaQueueConfig extends QueueConfig {
  /** The topic to consume and to resend to. Default: the queue name. */
  topic?: string;
  /** The consumer group; consumers with the same groupId share the topic's partitions. */
  groupId: string;
  /** Where a group without committed offsets starts: true, the oldest message; false (default), new ones only. */
  fromBeginning?: boolean;
  /** Milliseconds without a heartbeat before the broker evicts the consumer. Default 30 000. */
  sessionTimeout?: number;
  /** Milliseconds a rebalance waits for members to rejoin. Default 60 000. */
  rebalanceTimeout?: number;
  /** Milliseconds between heartbeats, also while handlers run; below sessionTimeout. Default 3 000. */
  heartbeatInterval?: number;
  /** Most bytes fetched per partition in one request. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Longest a fetch waits on the broker for new messages, and so the longest stop() waits for one. Default 1 000. */
  maxWaitTimeInMs?: number;
  /** Partitions whose fetched batches are handed out at once; more fills chunks across partitions. Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Least milliseconds between two offset commits; 0 commits as soon as a commit is free.
   * The broker answers nothing else on the consumer's connection during a commit, fetches
   * included, so frequent commits delay messages; a crash may hand out again what was
   * handled since the last commit. A rebalance or a stop commits at once. Default 1 000.
   */
  commitIntervalMs?: number;
  /**
   * The partition assignors this consumer offers, most preferred first: names of the built-in
   * ones (Kafka's protocol names) or kafkajs assigners. The broker picks one that every member
   * of the group offers. Default `["range", "roundrobin", "cooperative-sticky",
   * "RoundRobinAssigner"]`: joins groups of Java consumers (on their defaults or cooperative),
   * of Python romeways (aiokafka), and of older romeways.
   */
  partitionAssigners?: readonly (PartitionAssignerName | KafkaPartitionAssigner)[];
  /**
   * Longest `start()` waits to join the group, retrying while the group cannot take this
   * member yet: a member that crashed stays registered until its session timeout ends, and
   * one with no assignor in common refuses the others. Default sessionTimeout +
   * rebalanceTimeout + 5 000.
   */
  joinTimeoutMs?: number;
  /**
   * Longest `stop()` waits for the broker (the last commit, leaving the group) after the
   * handlers drained; past it the connections are ended and what was handled since the last
   * commit is delivered again. So an app's stop() ends within shutdownTimeoutMs plus this,
   * even with the broker gone or frozen. Default 3 000.
   */
  stopTimeoutMs?: number;
  /**
   * Most bytes (bodies and keys) of messages taken from this consumer and not acknowledged
   * yet, held back for a delay included; past it kafkajs fetches nothing more until acks make
   * room, so memory stays bounded whatever the handlers or delays do. kafkajs's own fetch
   * adds up to maxBytesPerPartition per partition on top. Default 64 MiB.
   */
  maxBytesInFlight?: number;
}

// Option names handed to kafkajs as they are; everything else in the config is ours.
const clientOptionNames = [
  "ssl",
  "sasl",
  "connectionTimeout",
  "authenticationTimeout",
  "reauthenticationThreshold",
  "requestTimeout",
  "enforceRequestTimeout",
  "retry",
  // Only with a logCreator of the user's: otherwise kafkaLogLevel decides (see kafkajs-log.ts).
  "logLevel",
  "logCreator",
  "socketFactory",
] as const satisfies readonly (keyof KafkaClientOptions)[];

const maxTimerMs = 2 ** 31 - 1;

type NumericField =
  | "sessionTimeout"
  | "rebalanceTimeout"
  | "heartbeatInterval"
  | "maxBytesPerPartition"
  | "maxWaitTimeInMs"
  | "partitionsConsumedConcurrently"
  | "commitIntervalMs"
  | "joinTimeoutMs"
  | "stopTimeoutMs"
  | "maxBytesInFlight";

/** Checks the connector config; throws a `ConfigError` naming the queue, connector and field. */
export function resolveClientSettings(
  config: KafkaConnectorConfig,
  queueName: string,
): ClientSettings {
  const fail = configFailure(queueName, config?.connectorName);
  if (typeof config !== "object" || config === null) {
    fail("config", "pass a Kafka connector config, e.g. { connectorName, brokers }");
  }
  const brokers = parseBrokers(config.brokers, fail);
  const { clientId, allowAutoTopicCreation = false } = config;
  if (clientId !== undefined && (typeof clientId !== "string" || clientId.length === 0)) {
    fail("clientId", "clientId must be a non-empty string");
  }
  if (typeof allowAutoTopicCreation !== "boolean") {
    fail("allowAutoTopicCreation", "allowAutoTopicCreation must be true or false");
  }
  const { kafkaLogLevel, logLevel } = config;
  const createTopics = resolveTopicCreation(config.createTopics, allowAutoTopicCreation, fail);
  if (kafkaLogLevel !== undefined && !kafkaLogLevels.includes(kafkaLogLevel)) {
    fail("kafkaLogLevel", `kafkaLogLevel must be one of ${kafkaLogLevels.join(", ")}`);
  }
  const options: KafkaClientOptions = {};
  for (const name of clientOptionNames) {
    if (config[name] !== undefined) Object.assign(options, { [name]: config[name] });
  }
  return {
    brokers,
    clientId: clientId ?? `romeways-${config.connectorName}`,
    allowAutoTopicCreation,
    options,
    kafkaLogLevel:
      kafkaLogLevel ?? (typeof logLevel === "number" ? kafkaLogLevelOf(logLevel) : "info"),
    createTopics,
    producer: resolveProducerSettings(config.producer, fail),
  };
}

/** The topic of a queue: `topic` if set, else the queue name. */
export function resolveTopic(config: QueueConfig & { topic?: unknown }, queueName: string): string {
  const { topic } = config;
  if (topic === undefined) return queueName;
  if (typeof topic !== "string" || topic.length === 0) {
    configFailure(queueName, config.connectorName)("topic", "topic must be a non-empty string");
  }
  return topic as string;
}

/** Checks the consumer-only fields, needed by `start()` and not by a send-only instance. */
export function resolveConsumerSettings(
  config: KafkaQueueConfig,
  queueName: string,
): ConsumerSettings {
  const fail = configFailure(queueName, config.connectorName);
  const { groupId, fromBeginning = false } = config;
  if (typeof groupId !== "string" || groupId.length === 0) {
    fail("groupId", "set groupId: consumers with the same groupId share the topic's partitions");
  }
  if (typeof fromBeginning !== "boolean") {
    fail("fromBeginning", "fromBeginning must be true or false");
  }
  const atLeast = (least: number) => (field: NumericField, fallback: number) => {
    const value: unknown = config[field] ?? fallback;
    if (!Number.isInteger(value) || (value as number) < least) {
      fail(field, `${field} must be an integer >= ${least}, got ${String(value)}`);
    }
    // Longer timers fire at once in Node.
    if ((value as number) > maxTimerMs) {
      fail(field, `${field} must be at most ${maxTimerMs}, got ${String(value)}`);
    }
    return value as number;
  };
  const positive = atLeast(1);
  const sessionTimeout = positive("sessionTimeout", 30_000);
  const heartbeatInterval = positive("heartbeatInterval", 3_000);
  const rebalanceTimeout = positive("rebalanceTimeout", 60_000);
  if (heartbeatInterval >= sessionTimeout) {
    fail(
      "heartbeatInterval",
      `heartbeatInterval (${heartbeatInterval}) must be below sessionTimeout (${sessionTimeout}); about a third of it is usual`,
    );
  }
  const settings: ConsumerSettings = {
    topic: resolveTopic(config, queueName),
    groupId,
    fromBeginning,
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout,
    maxWaitTimeInMs: positive("maxWaitTimeInMs", 1_000),
    partitionsConsumedConcurrently: positive("partitionsConsumedConcurrently", 1),
    commitIntervalMs: atLeast(0)("commitIntervalMs", 1_000),
    partitionAssigners: resolvePartitionAssigners(config.partitionAssigners, fail),
    stopTimeoutMs: positive("stopTimeoutMs", 3_000),
    maxBytesInFlight: positive("maxBytesInFlight", 64 * 1024 * 1024),
    // kafkajs waits rebalanceTimeout + 5 s for one JoinGroup answer: a whole try fits.
    joinTimeoutMs: positive(
      "joinTimeoutMs",
      Math.min(maxTimerMs, sessionTimeout + rebalanceTimeout + 5_000),
    ),
  };
  if (config.maxBytesPerPartition !== undefined) {
    settings.maxBytesPerPartition = positive("maxBytesPerPartition", 0);
  }
  return settings;
}

function resolvePartitionAssigners(
  assigners: unknown,
  fail: ConfigFailure,
): (PartitionAssignerName | KafkaPartitionAssigner)[] {
  if (assigners === undefined) return [...defaultPartitionAssigners];
  const expected = `a non-empty list of ${partitionAssignerNames.map((name) => `"${name}"`).join(", ")} or kafkajs assigners`;
  if (!Array.isArray(assigners) || assigners.length === 0) {
    fail("partitionAssigners", `partitionAssigners must be ${expected}`);
  }
  const list = assigners as unknown[];
  for (const assigner of list) {
    if (typeof assigner === "function" || isPartitionAssignerName(assigner)) continue;
    fail(
      "partitionAssigners",
      `partitionAssigners: ${JSON.stringify(assigner) ?? String(assigner)} is not one of ${expected}`,
    );
  }
  const repeated = list.find((assigner, index) => list.indexOf(assigner) !== index);
  if (repeated !== undefined) {
    fail("partitionAssigners", `partitionAssigners names ${String(repeated)} twice`);
  }
  return list as (PartitionAssignerName | KafkaPartitionAssigner)[];
}

function resolveTopicCreation(
  given: unknown,
  allowAutoTopicCreation: boolean,
  fail: ConfigFailure,
): TopicCreation {
  if (given === undefined) return allowAutoTopicCreation;
  if (typeof given === "boolean") return given;
  if (typeof given !== "object" || given === null) {
    return fail(
      "createTopics",
      "createTopics must be true, false or { partitions, replicationFactor, config }",
    );
  }
  const { partitions, replicationFactor, config, ...rest } = given as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) {
    fail(
      "createTopics",
      `createTopics has no field "${extra}" (partitions, replicationFactor, config)`,
    );
  }
  for (const [field, value] of [
    ["partitions", partitions],
    ["replicationFactor", replicationFactor],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) {
      fail("createTopics", `createTopics.${field} must be an integer >= 1, got ${String(value)}`);
    }
  }
  if (
    config !== undefined &&
    (typeof config !== "object" ||
      config === null ||
      Object.values(config).some((value) => typeof value !== "string"))
  ) {
    fail("createTopics", "createTopics.config must map topic config names to strings");
  }
  return given as TopicCreation;
}

function parseBrokers(brokers: unknown, fail: ConfigFailure): string[] {
  const list = typeof brokers === "string" ? brokers.split(",") : brokers;
  if (!Array.isArray(list) || list.some((broker) => typeof broker !== "string")) {
    return fail(
      "brokers",
      'brokers must be "host:port", "host1:port,host2:port" or a list of them',
    );
  }
  const trimmed = (list as string[]).map((broker) => broker.trim()).filter((b) => b.length > 0);
  if (trimmed.length === 0) return fail("brokers", "brokers must name at least one host:port");
  const bad = trimmed.find((broker) => !/^[^\s:]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(broker));
  if (bad !== undefined) fail("brokers", `"${bad}" is not host:port`);
  return trimmed;
}
