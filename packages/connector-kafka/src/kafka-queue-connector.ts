import {
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import { BatchBridge } from "./batch-bridge.js";
import {
  type KafkaConnectorConfig,
  type KafkaQueueConfig,
  resolveClientSettings,
  resolveConsumerSettings,
  resolveTopic,
} from "./config.js";
import { kafkaConfigSpec } from "./config-spec.js";
import { ConnectionWatch, standaloneContext } from "./connection-watch.js";
import { joinWithin } from "./group-join.js";
import { ensureTopics, maxMessageBytesOf, type NeededTopic } from "./kafkajs-admin.js";
import {
  type ClientSettings,
  type ConsumerSession,
  type ConsumerSettings,
  describeGroup,
  type GroupJoin,
  joinSetbackOf,
  openConsumer,
} from "./kafkajs-client.js";
import { isConnectionTrouble } from "./kafkajs-log.js";
import { acquireProducer, type SharedProducer, settlesWithin } from "./kafkajs-producer.js";
import { isTooLarge, tooLargeError } from "./send-failure.js";

// A waiting batch heartbeats at least this often, and notices a stopping consumer this fast.
const maxTickMs = 1_000;
const defaultStopTimeoutMs = 3_000;
// After the connections are ended, kafkajs's disconnect returns within a tick or two.
const abandonGraceMs = 500;
const firstReopenBackoffMs = 500;
const maxReopenBackoffMs = 5_000;
// A crashed consumer's disconnect waits on a broker that may be gone: not longer than this.
const reopenDisconnectMs = 3_000;

/**
 * Consumes one topic in a consumer group and publishes to it, at least once: an offset is
 * committed only after romeways acknowledged its message and every earlier one of its
 * partition. Core builds one instance per queue (and a send-only one per dead-letter queue).
 */
export class KafkaQueueConnector implements Connector {
  static readonly configSpec = kafkaConfigSpec;
  private readonly client: ClientSettings;
  private readonly topic: string;
  private consumerSettings: ConsumerSettings | undefined;
  private bridge: BatchBridge | undefined;
  private session: ConsumerSession | undefined;
  /** Set when kafkajs gave up on the consumer; the next poll opens a new one. */
  private crashed: Error | undefined;
  private reopening: Promise<void> | undefined;
  private producer: SharedProducer | undefined;
  private stopped = false;
  /** Ends a start() still waiting to join when stop() comes first. */
  private starting: AbortController | undefined;
  private readonly context: ConnectorContext;
  private readonly connection: ConnectionWatch;
  private reopenBackoffMs = firstReopenBackoffMs;
  /** Counts consumers opened; hooks of an older one are ignored. */
  private sessionId = 0;
  /** Partitions assigned at the last join; undefined before the first. */
  private assigned: readonly number[] | undefined;

  constructor(
    private readonly connectorConfig: KafkaConnectorConfig,
    private readonly queueConfig: KafkaQueueConfig,
    private readonly queueName: string,
    context?: ConnectorContext,
  ) {
    this.context = context ?? standaloneContext(connectorConfig.connectorName, queueName);
    this.client = {
      ...resolveClientSettings(connectorConfig, queueName),
      logger: this.context.logger,
    };
    this.topic = resolveTopic(queueConfig, queueName);
    this.connection = new ConnectionWatch(this.context, this.client.brokers.join(","));
  }

  /** Connected, the partitions held, and the messages fetched or waiting that are not acknowledged. */
  health(): ConnectorHealth {
    const health: ConnectorHealth = {
      connected: this.connection.connected,
      assigned: (this.assigned ?? []).map((partition) => `${this.topic}-${partition}`),
    };
    const lag = this.bridge?.lag();
    if (lag !== undefined) health.lag = lag;
    if (!health.connected) health.reason = this.connection.reason;
    else if (this.assigned === undefined) health.reason = "not joined to the group yet";
    else if (this.assigned.length === 0) {
      health.reason =
        "the group assigned this consumer no partition (more consumers than partitions?)";
    }
    return health;
  }

  /** Joins the group and starts fetching; resolves once the partitions are assigned. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    const settings = resolveConsumerSettings(this.queueConfig, this.queueName);
    this.consumerSettings = settings;
    this.bridge = new BatchBridge(
      Math.min(maxTickMs, settings.heartbeatInterval),
      settings.commitIntervalMs,
      settings.maxBytesInFlight,
    );
    this.stopped = false;
    await ensureTopics(this.client, this.neededTopics(), this.client.createTopics);
    const starting = new AbortController();
    this.starting = starting;
    try {
      await joinWithin(
        {
          groupId: settings.groupId,
          joinTimeoutMs: settings.joinTimeoutMs,
          offered: settings.partitionAssigners.map((assigner) =>
            typeof assigner === "string" ? assigner : "a kafkajs assigner",
          ),
        },
        {
          attempt: (signal) => this.openSession(signal),
          setbackOf: joinSetbackOf,
          describeGroup: () => describeGroup(this.client, settings.groupId),
        },
        starting.signal,
      );
    } catch (error) {
      throw new RomewaysError(
        "ROMEWAYS_KAFKA_CONSUMER",
        `the consumer of topic "${this.topic}" in group "${settings.groupId}" could not start: ${messageOf(error)}`,
        { cause: error },
      );
    } finally {
      this.starting = undefined;
    }
    this.connection.watch(true);
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const bridge = this.bridge;
    if (bridge === undefined) throw this.notStarted("getMessages");
    if (this.stopped || signal.aborted) return [];
    if (this.crashed !== undefined) {
      try {
        await this.reopen();
        this.reopenBackoffMs = firstReopenBackoffMs;
      } catch (error) {
        // During an outage a consumer cannot be reopened: part of the outage already reported
        // (one warn line), not an error per poll. Polls again after a pause.
        if (this.connection.connected && !isConnectionTrouble(error)) throw error;
        this.connection.lost(error);
        this.context.logger.debug(
          { topic: this.topic, error },
          `the consumer could not be reopened yet: ${messageOf(error)}`,
        );
        await pause(this.reopenBackoffMs, signal);
        this.reopenBackoffMs = Math.min(this.reopenBackoffMs * 2, maxReopenBackoffMs);
        return [];
      }
    }
    return bridge.take(maxChunkSize, signal);
  }

  /** Publishes to this queue's topic with the message's key and headers (a resend, a dead letter). */
  async sendMessage(message: RawMessage): Promise<void> {
    // Connects lazily: a dead-letter instance is never started, and one producer serves them all.
    this.producer ??= acquireProducer(this.connectorConfig, this.client);
    try {
      await this.producer.send(this.topic, message);
    } catch (error) {
      if (isTooLarge(error)) {
        throw tooLargeError(
          this.topic,
          message,
          await maxMessageBytesOf(this.client, this.topic),
          error,
        );
      }
      if (isConnectionTrouble(error)) this.connection.lost(error);
      throw error;
    }
  }

  async ack(messages: RawMessage[]): Promise<void> {
    this.bridge?.ack(messages);
  }

  /**
   * Stops fetching, commits what was acknowledged, leaves the group and closes the connections,
   * within stopTimeoutMs whatever the broker does: past it (a broker gone or frozen), the
   * connections are ended and what was not committed is delivered again.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.connection.watch(false);
    this.starting?.abort();
    const stopTimeoutMs = this.consumerSettings?.stopTimeoutMs ?? defaultStopTimeoutMs;
    const deadline = performance.now() + stopTimeoutMs;
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      session.pause();
      const bridge = this.bridge;
      const graceful = (async () => {
        await bridge?.close();
        await session.disconnect();
      })();
      if (!(await settlesWithin(graceful, stopTimeoutMs))) {
        this.context.logger.warn(
          { topic: this.topic, stopTimeoutMs },
          `the broker did not answer within stopTimeoutMs (${stopTimeoutMs} ms): closed the connections; what was handled since the last commit will be delivered again`,
        );
        session.abandon();
        await settlesWithin(graceful, abandonGraceMs);
      } else {
        await graceful;
      }
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.release(Math.max(abandonGraceMs, deadline - performance.now()));
  }

  /** The consumed topic and the dead-letter topic (a dead-letter queue's topic is its name). */
  private neededTopics(): NeededTopic[] {
    const topics = [{ topic: this.topic, role: `the topic of queue "${this.queueName}"` }];
    const { deadLetterQueue } = this.queueConfig;
    if (deadLetterQueue !== undefined && deadLetterQueue !== this.topic) {
      topics.push({
        topic: deadLetterQueue,
        role: `the dead-letter topic of queue "${this.queueName}", its deadLetterQueue`,
      });
    }
    return topics;
  }

  private logJoin(partitions: readonly number[], join: GroupJoin): void {
    const { groupId } = this.consumerSettings as ConsumerSettings;
    const names = (list: readonly number[]) =>
      list.length === 0 ? "none" : list.map((p) => `${this.topic}-${p}`).join(", ");
    const revoked = (this.assigned ?? []).filter((p) => !partitions.includes(p));
    this.assigned = [...partitions].sort((a, b) => a - b);
    this.context.logger.info(
      { groupId, topic: this.topic, ...join, assigned: this.assigned, revoked },
      `joined group "${groupId}" (assignor ${join.protocol}${join.isLeader ? ", leader" : ""}): ` +
        `assigned ${names(this.assigned)}${revoked.length > 0 ? `; revoked ${names(revoked)}` : ""}`,
    );
  }

  private async openSession(signal = new AbortController().signal): Promise<void> {
    const bridge = this.bridge as BatchBridge;
    const settings = this.consumerSettings as ConsumerSettings;
    // A consumer given up on may still log connection errors while it winds down: only the
    // current one speaks for the connection.
    const id = ++this.sessionId;
    this.session = await openConsumer(
      this.client,
      settings,
      {
        onBatch: (batch) => bridge.hold(batch),
        onGroupJoin: (partitions, join) => {
          this.logJoin(partitions, join);
          bridge.groupJoined(partitions);
        },
        onRebalancing: () => {
          this.context.logger.info(
            { groupId: settings.groupId, topic: this.topic },
            `group "${settings.groupId}" is rebalancing: rejoining`,
          );
          bridge.rebalancing();
        },
        onReachable: () => {
          if (id === this.sessionId) this.connection.reachable();
        },
        onUnreachable: (cause) => {
          if (id === this.sessionId) this.connection.lost(cause);
        },
        onCrash: (error, willRestart) => {
          if (willRestart) return;
          // kafkajs has disconnected for good: wake the poll loop, whose next poll reopens.
          this.crashed = error;
          bridge.revoke();
          bridge.interruptTakes();
        },
      },
      signal,
    );
  }

  private reopen(): Promise<void> {
    this.reopening ??= (async () => {
      const crash = this.crashed as Error;
      // Cleared first: a crash of the new consumer must not be forgotten.
      this.crashed = undefined;
      try {
        const old = this.session;
        this.session = undefined;
        this.sessionId++;
        if (old !== undefined && !(await settlesWithin(old.disconnect(), reopenDisconnectMs))) {
          old.abandon();
        }
        await this.openSession();
      } catch (error) {
        this.crashed ??= crash;
        throw new RomewaysError(
          "ROMEWAYS_KAFKA_CONSUMER",
          `the Kafka consumer of topic "${this.topic}" crashed (${crash.message}) and could not be restarted`,
          { cause: error },
        );
      } finally {
        this.reopening = undefined;
      }
    })();
    return this.reopening;
  }

  private notStarted(operation: string): Error {
    return new RomewaysError(
      "ROMEWAYS_KAFKA_NOT_STARTED",
      `${operation}() on queue "${this.queueName}" needs start() first`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
