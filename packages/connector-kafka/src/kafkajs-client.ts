// With kafkajs-producer.ts, kafkajs-admin.ts and kafkajs-log.ts, the only files that talk to
// kafkajs: swap the Kafka client by rewriting these.
import { createConsoleLogger, type Logger } from "@romeways/core";
import {
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  logLevel,
  type PartitionAssigner,
} from "kafkajs";
import {
  isPartitionAssignerName,
  type PartitionAssignerName,
  partitionAssignerNamed,
} from "./assigners/index.js";
import type { GroupDescription, JoinSetback } from "./group-join.js";
import type { KafkaRawMessage } from "./kafka-message.js";
import type { TopicCreation } from "./kafkajs-admin.js";
import {
  isConnectionTrouble,
  type KafkaLogLevel,
  type KafkaLogSink,
  kafkajsLevelFor,
  kafkaLogCreator,
} from "./kafkajs-log.js";
import type { ProducerSettings } from "./producer-options.js";
import { type SocketMaker, SocketPool } from "./socket-pool.js";

/** A kafkajs partition assigner, for assignors beyond the built-in ones. */
export type KafkaPartitionAssigner = PartitionAssigner;

/** kafkajs connection options passed through from the connector config. */
export type KafkaClientOptions = Pick<
  KafkaConfig,
  | "ssl"
  | "sasl"
  | "connectionTimeout"
  | "authenticationTimeout"
  | "reauthenticationThreshold"
  | "requestTimeout"
  | "enforceRequestTimeout"
  | "retry"
  | "logLevel"
  | "logCreator"
  | "socketFactory"
>;

export interface ClientSettings {
  brokers: string[];
  clientId: string;
  allowAutoTopicCreation: boolean;
  options: KafkaClientOptions;
  kafkaLogLevel: KafkaLogLevel;
  /** Whether start() creates missing topics, and how. */
  createTopics: TopicCreation;
  /** acks and idempotence of the shared producer (producer-options.ts). */
  producer: ProducerSettings;
  /** Where kafkajs's lines go: the app's logger (set by the connector instance). */
  logger?: Logger;
}

export interface ConsumerSettings {
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  sessionTimeout: number;
  rebalanceTimeout: number;
  heartbeatInterval: number;
  maxWaitTimeInMs: number;
  partitionsConsumedConcurrently: number;
  maxBytesPerPartition?: number;
  /** Ours, not kafkajs's: the committer's least time between two commits. */
  commitIntervalMs: number;
  /** Offered in this order; names are the built-in assignors. */
  partitionAssigners: readonly (PartitionAssignerName | KafkaPartitionAssigner)[];
  /** Ours: how long start() keeps trying to join (see group-join.ts). */
  joinTimeoutMs: number;
  /** Ours: how long stop() waits for the broker before it ends the connections. */
  stopTimeoutMs: number;
  /** Ours: bytes of taken, unacknowledged messages past which fetching waits. */
  maxBytesInFlight: number;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** One fetched batch of one partition, while kafkajs waits in `eachBatch` for it. */
export interface FetchedBatch {
  readonly partition: number;
  readonly messages: KafkaRawMessage[];
  /** The offset after the partition's newest message when it was fetched. */
  readonly highWatermark: string;
  /**
   * Keeps the group membership alive; kafkajs sends one only every `heartbeatInterval`.
   * Usable after the batch settled. Resolves false when the broker cannot be reached (the
   * membership may well be intact); rejects when the group moved on without this member's
   * generation: a rebalance, an unknown member, an old generation.
   */
  heartbeat(): Promise<boolean>;
  /** False once kafkajs is stopping the consumer (stop, crash) or re-positioning the partition. */
  isActive(): boolean;
  /** The next fetch of this partition starts after `offset`. */
  resolveOffset(offset: string): void;
  /**
   * Commits once, in the consumer's current group generation: for each partition, the next
   * offset to read. Usable after the batch settled, for any partition of the topic.
   */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
}

export interface ConsumerHooks {
  /** Called from `eachBatch`; kafkajs fetches nothing more for the partition until it settles. */
  onBatch(batch: FetchedBatch): Promise<void>;
  /** The group was (re)joined; the partitions of the topic now assigned to this consumer. */
  onGroupJoin(partitions: number[], join: GroupJoin): void;
  /** A fetch, heartbeat or join was answered. Called per fetch: keep it cheap. */
  onReachable(): void;
  /** A connect, request or heartbeat failed because the broker cannot be reached. */
  onUnreachable(cause: unknown): void;
  /** kafkajs found the group rebalancing and is about to rejoin it. */
  onRebalancing(): void;
  /** kafkajs gave up on the consumer; it restarts it by itself when `willRestart`. */
  onCrash(error: Error, willRestart: boolean): void;
}

/** What the broker said when this consumer joined the group. */
export interface GroupJoin {
  memberId: string;
  /** The assignor the group runs, e.g. "range". */
  protocol: string;
  isLeader: boolean;
  durationMs: number;
}

export interface ConsumerSession {
  /** Fetches nothing more; batches already handed out stay with the caller. */
  pause(): void;
  /** Waits for `onBatch` calls to settle, leaves the group and closes the connections. */
  disconnect(): Promise<void>;
  /** Ends every connection now, for a broker that does not answer: a pending disconnect returns. */
  abandon(): void;
}

/** A kafkajs client that logs through the app's logger (see kafkajs-log.ts). */
export function createKafka(
  settings: ClientSettings,
  onUnreachable?: (text: string) => void,
  sockets?: SocketPool,
): Kafka {
  const { logCreator, logLevel: givenLevel, socketFactory, ...options } = settings.options;
  const sink: KafkaLogSink = {
    logger: settings.logger ?? createConsoleLogger("warn"),
    level: settings.kafkaLogLevel,
    ...(onUnreachable === undefined ? {} : { onUnreachable }),
  };
  return new Kafka({
    ...options,
    // A logCreator of the user's own is used as given.
    logLevel:
      logCreator === undefined ? kafkajsLevelFor(sink.level) : (givenLevel ?? logLevel.WARN),
    logCreator: logCreator ?? kafkaLogCreator(sink),
    ...(sockets === undefined
      ? socketFactory === undefined
        ? {}
        : { socketFactory }
      : { socketFactory: sockets.factory }),
    brokers: settings.brokers,
    clientId: settings.clientId,
  });
}

/**
 * Subscribes to the topic and runs a consumer that hands each fetched batch to `hooks.onBatch`.
 * One join attempt; `signal` (the connector stopping) ends it: the consumer disconnects, which
 * kafkajs does once the broker answered a JoinGroup it holds.
 */
export async function openConsumer(
  client: ClientSettings,
  settings: ConsumerSettings,
  hooks: ConsumerHooks,
  signal: AbortSignal,
): Promise<ConsumerSession> {
  const { topic } = settings;
  let starting = true;
  const sockets = new SocketPool(client.options.socketFactory as SocketMaker | undefined);
  // While starting, a connection error is start()'s to report (it rejects).
  const onUnreachable = (text: string) => {
    if (!starting) hooks.onUnreachable(text);
  };
  const consumer = createKafka(client, onUnreachable, sockets).consumer({
    groupId: settings.groupId,
    partitionAssigners: settings.partitionAssigners.map((assigner) =>
      isPartitionAssignerName(assigner) ? partitionAssignerNamed(assigner) : assigner,
    ),
    sessionTimeout: settings.sessionTimeout,
    rebalanceTimeout: settings.rebalanceTimeout,
    heartbeatInterval: settings.heartbeatInterval,
    maxWaitTimeInMs: settings.maxWaitTimeInMs,
    allowAutoTopicCreation: client.allowAutoTopicCreation,
    ...(settings.maxBytesPerPartition === undefined
      ? {}
      : { maxBytesPerPartition: settings.maxBytesPerPartition }),
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    hooks.onReachable();
    hooks.onGroupJoin(payload.memberAssignment[topic] ?? [], {
      memberId: payload.memberId,
      protocol: payload.groupProtocol,
      isLeader: payload.isLeader,
      durationMs: payload.duration,
    });
  });
  consumer.on(consumer.events.FETCH, () => hooks.onReachable());
  // Emitted just before kafkajs rejoins: the last moment to commit in the current generation.
  consumer.on(consumer.events.REBALANCING, () => hooks.onRebalancing());
  let crashWhileStarting: Error | undefined;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (starting) {
      crashWhileStarting = payload.error;
      return;
    }
    if (isConnectionTrouble(payload.error)) hooks.onUnreachable(payload.error);
    hooks.onCrash(payload.error, payload.restart);
  });
  // Disconnecting ends run(): kafkajs first waits for the answer to a JoinGroup the broker holds.
  const abandon = () => void consumer.disconnect().catch(() => {});
  signal.addEventListener("abort", abandon, { once: true });
  try {
    signal.throwIfAborted();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: settings.fromBeginning });
    // Resolves once the group is joined; fetching goes on in the background.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => {
        const { partition } = payload.batch;
        return hooks.onBatch({
          partition,
          messages: payload.batch.messages.map((m) => toRawMessage(topic, partition, m)),
          highWatermark: payload.batch.highWatermark,
          heartbeat: () =>
            payload.heartbeat().then(
              () => {
                hooks.onReachable();
                return true;
              },
              (error: unknown) => {
                if (isRevocation(error)) throw error;
                // A lost connection, or a coordinator still loading: nothing about the membership.
                if (isConnectionTrouble(error)) hooks.onUnreachable(error);
                return false;
              },
            ),
          isActive: () => payload.isRunning() && !payload.isStale(),
          resolveOffset: (offset) => payload.resolveOffset(offset),
          // Not consumer.commitOffsets(): its retries may land after a rebalance, in a newer
          // generation, on a partition that now belongs to another member.
          commit: (offsets) =>
            payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [...offsets] }] }),
        });
      },
    });
    // run() does not reject when the first join fails (say, a session timeout the broker
    // refuses): kafkajs reports it as a crash instead, before run() resolves.
    if (crashWhileStarting !== undefined) {
      failedJoins.add(crashWhileStarting);
      throw crashWhileStarting;
    }
    signal.throwIfAborted();
    starting = false;
  } catch (error) {
    // Also cancels a restart kafkajs may have scheduled after the crash.
    await consumer.disconnect().catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener("abort", abandon);
  }
  return {
    pause: () => {
      try {
        consumer.pause([{ topic }]);
      } catch {
        // Not running (it crashed): there is nothing to pause.
      }
    },
    disconnect: () => consumer.disconnect(),
    abandon: () => sockets.closeAll(),
  };
}

// The group moved on: what this member handed out is another member's (or generation's) now.
const revocations = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
  "FENCED_INSTANCE_ID",
]);

function isRevocation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { type } = error as Error & { type?: string };
  if (type !== undefined && revocations.has(type)) return true;
  return error.cause instanceof Error && isRevocation(error.cause);
}

// Errors of the join itself; a failed connect or subscribe (no broker, no topic) is final.
const failedJoins = new WeakSet<Error>();

/** Whether a failed join attempt may succeed later (see group-join.ts), from kafkajs's error. */
export function joinSetbackOf(error: unknown): JoinSetback | undefined {
  if (!(error instanceof Error) || !failedJoins.has(error)) return undefined;
  return setbackOf(error);
}

function setbackOf(error: Error): JoinSetback | undefined {
  const { type, retriable } = error as Error & { type?: string; retriable?: boolean };
  if (type === "INCONSISTENT_GROUP_PROTOCOL") return "incompatible-assignors";
  if (error.name === "KafkaJSRequestTimeoutError") return "slow-join";
  if (error.name === "KafkaJSNumberOfRetriesExceeded" || retriable === true) return "transient";
  return error.cause instanceof Error ? setbackOf(error.cause) : undefined;
}

/** The group as the broker describes it now; undefined when it cannot be asked. */
export async function describeGroup(
  client: ClientSettings,
  groupId: string,
): Promise<GroupDescription | undefined> {
  const admin = createKafka({ ...client, kafkaLogLevel: "silent" }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (group === undefined) return undefined;
    return {
      protocol: group.protocol,
      state: group.state,
      clientIds: group.members.map((member) => member.clientId),
    };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function toRawMessage(topic: string, partition: number, message: KafkaMessage): KafkaRawMessage {
  const raw: KafkaRawMessage = {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    body: message.value,
    headers: toTextHeaders(message.headers),
  };
  if (message.key !== null && message.key !== undefined) raw.key = message.key;
  return raw;
}

function toTextHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  // for-in, not Object.entries: most records have no headers, and this runs per message.
  for (const name in headers) {
    const value: unknown = headers[name];
    const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
    // Kafka allows a header without a value (kafkajs gives null): "" keeps it visible. A
    // throw here would fail the whole batch in eachBatch, which kafkajs retries forever.
    // Bytes that are not UTF-8 decode with U+FFFD in their place.
    text[name] = last === null || last === undefined ? "" : String(last);
  }
  return text;
}
