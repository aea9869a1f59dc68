import {
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from "amqplib";
import type { AmqpRawMessage } from "./amqp-message.js";
import { ConfirmedPublisher, declareQueue, replyCode } from "./broker-calls.js";
import {
  type AmqpConnectorConfig,
  type AmqpQueueConfig,
  amqpConfigSpec,
  type ConsumerSettings,
  checkConnectorConfig,
  type QueueSettings,
  resolveConsumerSettings,
  resolveQueueSettings,
} from "./config.js";
import { deliveredForm, publishedForm, routingKeyOf } from "./message-properties.js";
import { Reconnection } from "./reconnection.js";
import { WakeUp, yieldToIo } from "./wake-up.js";

const connectTimeoutMs = 10_000;

/** A delivery that core has not acknowledged yet, and the channel whose tag it carries. */
interface Unacked {
  delivery: ConsumeMessage;
  channel: Channel;
}

/**
 * Consumes one RabbitMQ queue and publishes to it, at least once: a delivery is acknowledged
 * (`basic.ack`) only after romeways acknowledged its message; what was delivered and not
 * acknowledged goes back to the queue on stop (`basic.nack` with requeue) or when the channel
 * closes (a crash, a lost connection). `prefetch` bounds what the broker hands over ahead of
 * core. Core builds one instance per queue (and a send-only one per dead-letter queue).
 */
export class AmqpQueueConnector implements Connector {
  static readonly configSpec = amqpConfigSpec;
  private readonly url: string;
  private readonly settings: QueueSettings;
  private consumer: ConsumerSettings | undefined;
  private model: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private publisher: ConfirmedPublisher | undefined;
  /** Connections on which the queue was declared for sending. */
  private readonly declaredOn = new WeakSet<ChannelModel>();
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  /** Delivered, not yet returned by a poll, in delivery order. */
  private readonly ready: AmqpRawMessage[] = [];
  /** Delivered and not acknowledged: the ready ones and those core holds. */
  private readonly unacked = new Map<AmqpRawMessage, Unacked>();
  private readonly wakeUp = new WakeUp();
  /** Started and not stopped: a lost connection is reconnected. */
  private running = false;
  private readonly reconnection: Reconnection;

  constructor(
    private readonly connectorConfig: AmqpConnectorConfig,
    private readonly queueConfig: AmqpQueueConfig,
    private readonly queueName: string,
    private readonly context?: Partial<ConnectorContext>,
  ) {
    checkConnectorConfig(connectorConfig, queueName);
    this.url = connectorConfig.url ?? "amqp://localhost";
    this.settings = resolveQueueSettings(connectorConfig, queueConfig, queueName);
    this.reconnection = new Reconnection(
      () => this.subscribe(),
      context,
      () => this.wakeUp.all(),
    );
  }

  /** Connects, declares the queue (unless `declare: false`) and starts consuming. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    this.consumer = resolveConsumerSettings(this.queueConfig, this.queueName);
    this.running = true;
    try {
      await this.subscribe();
    } catch (error) {
      this.running = false;
      await this.closeConnection();
      if (replyCode(error) === 406) {
        throw new RomewaysError(
          "ROMEWAYS_AMQP_QUEUE_MISMATCH",
          `queue "${this.settings.queue}" exists with other arguments than this queue config declares (queueType "${this.settings.queueType}", queueArguments): ${messageOf(error)}; match them, or set declare: false`,
          { cause: error },
        );
      }
      throw new RomewaysError(
        "ROMEWAYS_AMQP_CONSUMER",
        `the consumer of queue "${this.settings.queue}" could not start: ${messageOf(error)}`,
        { cause: error },
      );
    }
    this.reconnection.running();
  }

  /** Up to `maxChunkSize` delivered messages; waits for the first, and returns [] at once on abort. */
  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    if (this.consumer === undefined) throw this.notStarted("getMessages");
    while (this.running && !signal.aborted) {
      if (this.ready.length > 0) return this.ready.splice(0, maxChunkSize);
      await this.wakeUp.wait(signal);
      // Woken by the first delivery of a burst: let the rest of what the socket read be parsed
      // (one turn of the event loop), so the chunk is not a single message.
      if (this.ready.length > 0 && this.ready.length < maxChunkSize) await yieldToIo();
    }
    return [];
  }

  /** Publishes persistently and resolves once the broker confirmed it (publisher confirms). */
  async sendMessage(message: RawMessage): Promise<void> {
    const model = await this.connection();
    const { queue, exchange, declare } = this.settings;
    if (declare && !this.declaredOn.has(model)) {
      try {
        await declareQueue(model, this.settings);
      } catch (error) {
        // A dead-letter queue declared elsewhere with other arguments takes messages all the same.
        if (replyCode(error) !== 406) throw error;
      }
      this.declaredOn.add(model);
    }
    this.publisher ??= new ConfirmedPublisher(model);
    const { content, options } = publishedForm(message);
    const routingKey = exchange === undefined ? queue : routingKeyOf(message, queue);
    await this.publisher.publish(exchange ?? "", routingKey, content, options);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    for (const message of messages) {
      const unacked = this.unacked.get(message as AmqpRawMessage);
      if (unacked === undefined) continue;
      this.unacked.delete(message as AmqpRawMessage);
      // Delivered on a channel that closed since: the broker put it back, its tag is void.
      if (unacked.channel === this.channel) {
        unlessClosed(() => unacked.channel.ack(unacked.delivery));
      }
    }
  }

  /** Stops consuming, puts back what was delivered and not acknowledged, and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp.all();
    await this.reconnection.stop();
    const channel = this.channel;
    try {
      if (channel !== undefined) {
        // No new deliveries first, then the held ones back, in order, to the queue's head.
        // A channel that closed meanwhile cannot cancel: its close already requeued everything.
        if (this.consumerTag !== undefined) await channel.cancel(this.consumerTag).catch(() => {});
        for (const { delivery, channel: on } of this.unacked.values()) {
          if (on === channel) unlessClosed(() => channel.nack(delivery, false, true));
        }
      }
    } finally {
      this.forgetDeliveries();
      this.channel = undefined;
      await this.closeConnection();
    }
  }

  health(): ConnectorHealth {
    if (this.model !== undefined && !this.reconnection.isDown()) return { connected: true };
    return { connected: false, reason: this.reconnection.reason() ?? "not connected to RabbitMQ" };
  }

  /**
   * Destroys the socket without closing a channel or acknowledging anything, as a killed
   * process would, and does not reconnect: the broker puts back what this instance held.
   * For tests of crash recovery.
   */
  protected dropConnection(): void {
    this.running = false;
    this.wakeUp.all();
    void this.reconnection.stop();
    const socket = (this.model?.connection as unknown as { stream?: { destroy(): void } })?.stream;
    this.model = undefined;
    this.channel = undefined;
    this.forgetDeliveries();
    socket?.destroy();
  }

  /** Connects if needed, declares, opens the consuming channel with its prefetch. */
  private async subscribe(): Promise<void> {
    const model = await this.connection();
    if (this.settings.declare) {
      await declareQueue(model, this.settings);
      this.declaredOn.add(model);
    }
    const channel = await model.createChannel();
    channel.on("error", () => {}); // its close follows and says what to do
    channel.on("close", () => this.channelClosed(channel));
    await channel.prefetch((this.consumer as ConsumerSettings).prefetch);
    if (!this.running) {
      await channel.close().catch(() => {});
      return;
    }
    // Deliveries may come before consume() resolves: the channel is the live one from here.
    this.channel = channel;
    const { consumerTag } = await channel.consume(
      this.settings.queue,
      (delivery) => this.delivered(channel, delivery),
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  private delivered(channel: Channel, delivery: ConsumeMessage | null): void {
    if (channel !== this.channel) return;
    if (delivery === null) {
      // The broker cancelled the consumer (the queue was deleted): subscribe again.
      void channel.close().catch(() => {});
      this.channelClosed(
        channel,
        new Error(`the broker cancelled the consumer of queue "${this.settings.queue}" (deleted?)`),
      );
      return;
    }
    const message = deliveredForm(delivery, this.settings.queue, this.settings.queueType);
    this.unacked.set(message, { delivery, channel });
    this.ready.push(message);
    this.wakeUp.all();
  }

  private channelClosed(channel: Channel, cause?: Error): void {
    if (channel !== this.channel) return;
    this.channel = undefined;
    this.consumerTag = undefined;
    // The broker puts back everything this channel had not acknowledged.
    this.forgetDeliveries();
    if (this.running) {
      this.reconnection.lost(
        cause ?? new Error(`the channel consuming queue "${this.settings.queue}" closed`),
      );
    }
  }

  private connectionClosed(model: ChannelModel, error: Error | undefined): void {
    if (model !== this.model) return;
    this.model = undefined;
    this.publisher = undefined;
    if (this.channel !== undefined) this.channelClosed(this.channel, error);
    else if (this.running) this.reconnection.lost(error ?? new Error("the connection closed"));
  }

  private connection(): Promise<ChannelModel> {
    if (this.model !== undefined) return Promise.resolve(this.model);
    this.connecting ??= (async () => {
      const model = await connect(this.url, {
        // A broker that does not answer (a host gone, packets dropped) fails the attempt
        // instead of holding a reconnection, and stop(), for as long as TCP waits.
        timeout: connectTimeoutMs,
        ...this.connectorConfig.socketOptions,
        clientProperties: {
          connection_name: `romeways ${this.queueConfig.connectorName} ${this.queueName}`,
        },
      });
      model.on("error", () => {}); // its close follows and says what to do
      model.on("close", (error?: Error) => this.connectionClosed(model, error));
      model.on("blocked", (reason: string) =>
        this.context?.logger?.warn({ reason }, `RabbitMQ blocks publishing: ${reason}`),
      );
      this.model = model;
      return model;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async closeConnection(): Promise<void> {
    await this.connecting?.catch(() => {});
    const model = this.model;
    this.model = undefined;
    this.publisher = undefined;
    await model?.close().catch(() => {});
  }

  private forgetDeliveries(): void {
    this.ready.length = 0;
    this.unacked.clear();
  }

  private notStarted(operation: string): Error {
    return new RomewaysError(
      "ROMEWAYS_AMQP_NOT_STARTED",
      `${operation}() on queue "${this.queueName}" needs start() first`,
    );
  }
}

/**
 * Runs an ack or nack, which amqplib refuses (IllegalOperationError) on a channel closing
 * before its close event came: the broker requeues that channel's deliveries anyway.
 */
function unlessClosed(settle: () => void): void {
  try {
    settle();
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name !== "IllegalOperationError") throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
