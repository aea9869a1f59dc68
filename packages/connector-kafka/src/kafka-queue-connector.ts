import { type Connector, type RawMessage, RomewaysError } from "@romeways/core";
import { BatchBridge } from "./batch-bridge.js";
import {
  type KafkaConnectorConfig,
  type KafkaQueueConfig,
  resolveClientSettings,
  resolveConsumerSettings,
  resolveTopic,
} from "./config.js";
import { joinWithin } from "./group-join.js";
import {
  acquireProducer,
  type ClientSettings,
  type ConsumerSession,
  type ConsumerSettings,
  describeGroup,
  joinSetbackOf,
  openConsumer,
  type SharedProducer,
} from "./kafkajs-client.js";

// A waiting batch heartbeats at least this often, and notices a stopping consumer this fast.
const maxTickMs = 1_000;

/**
 * Consumes one topic in a consumer group and publishes to it, at least once: an offset is
 * committed only after romeways acknowledged its message and every earlier one of its
 * partition. Core builds one instance per queue (and a send-only one per dead-letter queue).
 */
export class KafkaQueueConnector implements Connector {
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

  constructor(
    private readonly connectorConfig: KafkaConnectorConfig,
    private readonly queueConfig: KafkaQueueConfig,
    private readonly queueName: string,
  ) {
    this.client = resolveClientSettings(connectorConfig, queueName);
    this.topic = resolveTopic(queueConfig, queueName);
  }

  /** Joins the group and starts fetching; resolves once the partitions are assigned. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    const settings = resolveConsumerSettings(this.queueConfig, this.queueName);
    this.consumerSettings = settings;
    this.bridge = new BatchBridge(
      Math.min(maxTickMs, settings.heartbeatInterval),
      settings.commitIntervalMs,
    );
    this.stopped = false;
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
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const bridge = this.bridge;
    if (bridge === undefined) throw this.notStarted("getMessages");
    if (this.stopped || signal.aborted) return [];
    if (this.crashed !== undefined) await this.reopen();
    return bridge.take(maxChunkSize, signal);
  }

  /** Publishes to this queue's topic with the message's key and headers (a resend, a dead letter). */
  async sendMessage(message: RawMessage): Promise<void> {
    // Connects lazily: a dead-letter instance is never started, and one producer serves them all.
    this.producer ??= acquireProducer(this.connectorConfig, this.client);
    await this.producer.send(this.topic, message);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    this.bridge?.ack(messages);
  }

  /** Stops fetching, commits what was acknowledged, leaves the group and closes the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.starting?.abort();
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      session.pause();
      await this.bridge?.close();
      await session.disconnect();
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.release();
  }

  private async openSession(signal = new AbortController().signal): Promise<void> {
    const bridge = this.bridge as BatchBridge;
    this.session = await openConsumer(
      this.client,
      this.consumerSettings as ConsumerSettings,
      {
        onBatch: (batch) => bridge.hold(batch),
        onGroupJoin: (partitions) => bridge.groupJoined(partitions),
        onRebalancing: () => bridge.rebalancing(),
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
        await this.session?.disconnect().catch(() => {});
        this.session = undefined;
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
