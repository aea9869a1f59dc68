import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import {
  type Connector,
  type ConnectorContext,
  type ConnectorHealth,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import {
  type ConsumerSettings,
  checkConnectorConfig,
  type Destination,
  type NatsConnectorConfig,
  type NatsQueueConfig,
  resolveConsumerSettings,
  resolveDestination,
} from "./config.js";
import { natsConfigSpec } from "./config-spec.js";
import { HeldMessages } from "./held-messages.js";
import { ensureConsumer, ensureStream, expectConsumer } from "./jetstream-setup.js";
import { NatsLink } from "./nats-link.js";
import { deliveryInfo, fromNats, type NatsRawMessage, toNats } from "./nats-message.js";
import { PullRequest, SharedInbox } from "./pull-request.js";

/**
 * Consumes one JetStream stream through a durable pull consumer (the queue's `group`) and
 * publishes to its subject, at least once: a message is acknowledged (`+ACK`) only after
 * romeways acknowledged it; what JetStream delivered and never got acknowledged it delivers
 * again after `ackWait` (after a crash), or at once when handed back (`stop()`).
 */
export class NatsQueueConnector implements Connector {
  /** The fields of both configs and their checks, for core and `createTestHarness`. */
  static readonly configSpec = natsConfigSpec;
  private readonly destination: Destination;
  private readonly link: NatsLink;
  private settings: ConsumerSettings | undefined;
  private js: JetStreamClient | undefined;
  /** The stream is there (made or found) for sends: checked once per instance. */
  private streamReady: Promise<void> | undefined;
  protected readonly held = new HeldMessages();
  private pulling: PullRequest | undefined;
  /** Where the no_wait pulls are answered: one subscription for the instance's life. */
  private sharedInbox: SharedInbox | undefined;
  private polling: Promise<unknown> | undefined;
  private lag: number | undefined;
  /** A pull failed: the stream or consumer may be gone, the next poll declares them again. */
  private lostConsumer = false;
  private stopped = false;

  constructor(
    private readonly connectorConfig: NatsConnectorConfig,
    private readonly queueConfig: NatsQueueConfig,
    private readonly queueName: string,
    private readonly context?: Partial<ConnectorContext>,
  ) {
    checkConnectorConfig(connectorConfig, queueName);
    this.destination = resolveDestination(queueConfig, queueName);
    const { connectorName, stream: _, declare: __, deduplicate: ___, ...options } = connectorConfig;
    this.link = new NatsLink(
      { name: `romeways ${connectorName} ${queueName}`, ...options },
      {
        disconnected: (cause) => this.context?.reportDisconnected?.(cause),
        reconnected: () => this.context?.reportReconnected?.(),
      },
    );
  }

  /** Connects, and creates the stream and the group's durable consumer unless `declare: false`. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    const settings = resolveConsumerSettings(this.queueConfig, this.queueName);
    this.stopped = false;
    try {
      // The stream may be another one that captures the subject (one for `orders.>`).
      settings.stream = await this.declare(await this.link.open(), settings);
    } catch (error) {
      await this.link.close();
      throw new RomewaysError(
        "ROMEWAYS_NATS_CONSUMER",
        `the consumer "${settings.group}" of stream "${settings.stream}" could not start: ${messageOf(error)}`,
        { cause: error },
      );
    }
    this.settings = settings;
    this.sharedInbox = new SharedInbox(this.link.current as NatsConnection);
    this.held.startWorking(() => this.link.current, settings.ackWaitMs);
  }

  /** Makes (or, with `declare: false`, looks for) the stream and the durable consumer. */
  private async declare(nc: NatsConnection, settings: ConsumerSettings): Promise<string> {
    const jsm = await jetstreamManager(nc);
    if (this.connectorConfig.declare === false) {
      await expectConsumer(jsm, settings);
      return settings.stream;
    }
    const stream = await this.ensureStream(jsm);
    await ensureConsumer(jsm, { ...settings, stream });
    return stream;
  }

  /**
   * Up to `maxChunkSize` messages: what is there now (a `no_wait` pull); if nothing, a pull of
   * one that waits up to `expiresMs` on the server, then at once the rest of what came.
   */
  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const polling = this.poll(maxChunkSize, signal);
    this.polling = polling;
    return polling;
  }

  private async poll(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const settings = this.settings;
    const nc = this.link.current;
    if (settings === undefined || nc === undefined) throw this.notStarted("getMessages");
    while (!this.stopped && !signal.aborted) {
      // While NATS is away a pull would go nowhere: wait for the client's reconnection.
      if (!this.link.connected) {
        await this.link.whenConnected(signal);
        continue;
      }
      try {
        // The stream or consumer was gone (deleted, a memory stream lost in a restart): make
        // them again before pulling, after the failed poll core reported.
        if (this.lostConsumer) settings.stream = await this.declare(nc, settings);
        this.lostConsumer = false;
        return await this.pullChunk(nc, settings, maxChunkSize, signal);
      } catch (error) {
        if (this.stopped || signal.aborted) return [];
        this.lostConsumer = true;
        throw error;
      }
    }
    return [];
  }

  private async pullChunk(
    nc: NatsConnection,
    settings: ConsumerSettings,
    maxChunkSize: number,
    signal: AbortSignal,
  ): Promise<NatsRawMessage[]> {
    const now = await this.pull(nc, settings, { batch: maxChunkSize, noWait: true }, signal);
    if (now.length > 0 || signal.aborted) return now;
    const first = await this.pull(
      nc,
      settings,
      { batch: 1, expiresMs: settings.expiresMs },
      signal,
    );
    if (first.length === 0 || maxChunkSize === 1 || signal.aborted) return first;
    // Others may have come with it: take them now rather than in the next poll.
    const rest = await this.pull(nc, settings, { batch: maxChunkSize - 1, noWait: true });
    return [...first, ...rest];
  }

  /** One pull request, ended by `signal` (handing back what it got) or a lost connection. */
  private async pull(
    nc: NatsConnection,
    settings: ConsumerSettings,
    options: { batch: number; noWait?: boolean; expiresMs?: number },
    signal?: AbortSignal,
  ): Promise<NatsRawMessage[]> {
    // stop() ended the pull before: no new one may take messages for a stopped instance.
    if (this.stopped || signal?.aborted) return [];
    const request = new PullRequest(
      nc,
      { stream: settings.stream, group: settings.group, ...options },
      // A long poll has an inbox of its own: unsubscribing it is how an abort reaches the server.
      options.noWait === true ? this.sharedInbox : undefined,
    );
    this.pulling = request;
    const onAbort = () => request.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    const offDisconnect = this.link.onDisconnect(() => request.end());
    try {
      const msgs = await request.done;
      if (signal?.aborted) return [];
      return msgs.map((msg) => this.taken(msg, settings));
    } finally {
      signal?.removeEventListener("abort", onAbort);
      offDisconnect();
      this.pulling = undefined;
    }
  }

  private taken(msg: Msg, settings: ConsumerSettings): NatsRawMessage {
    const message = fromNats(msg, settings.stream);
    this.lag = deliveryInfo(msg.reply ?? "").pending;
    this.held.hold(message, msg.reply ?? "");
    return message;
  }

  /** Publishes to the queue's subject and waits for JetStream's ack (a resend, a dead letter). */
  async sendMessage(message: RawMessage): Promise<void> {
    const js = await this.jetStream();
    const { headers, msgId, body } = toNats(message, this.connectorConfig.deduplicate !== false);
    await js.publish(this.destination.subject, body, {
      ...(headers === undefined ? {} : { headers }),
      ...(msgId === undefined ? {} : { msgID: msgId }),
    });
  }

  /**
   * `+ACK` for each message, then a round trip so the server has them before this resolves.
   * While NATS is away it waits for the reconnection and acknowledges then (an ack written to
   * a lost connection is lost, and JetStream would deliver the message again after ackWait).
   */
  async ack(messages: RawMessage[]): Promise<void> {
    // Stopped: what it held was handed back, to be delivered again.
    if (this.link.current === undefined || messages.length === 0) return;
    const replies = this.held.release(messages as NatsRawMessage[]);
    while (!this.stopped) {
      await this.link.whenConnected();
      const nc = this.link.current;
      if (nc === undefined) return;
      for (const reply of replies) nc.publish(reply, "+ACK");
      try {
        await nc.flush();
        return;
      } catch (error) {
        // Lost on the way: sent again once reconnected (a second +ACK is harmless).
        if (this.link.connected || this.stopped) throw error;
      }
    }
  }

  /** Ends a waiting poll, hands back (`-NAK`) what was taken and not acknowledged, and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.held.stopWorking();
    this.pulling?.cancel();
    this.link.wake();
    await this.polling?.catch(() => {});
    const nc = this.link.current;
    const replies = this.held.releaseAll();
    try {
      if (nc !== undefined && replies.length > 0 && this.link.connected) {
        for (const reply of replies) nc.publish(reply, "-NAK");
        await nc.flush();
      }
    } finally {
      this.sharedInbox?.close();
      this.sharedInbox = undefined;
      this.settings = undefined;
      this.js = undefined;
      this.streamReady = undefined;
      await this.link.close();
    }
  }

  health(): ConnectorHealth {
    if (!this.link.connected)
      return { connected: false, reason: this.link.reason ?? "not connected" };
    return this.lag === undefined ? { connected: true } : { connected: true, lag: this.lag };
  }

  /** Ends the connection without handing anything back: as a killed process would (for tests). */
  protected async abandon(): Promise<void> {
    this.stopped = true;
    this.held.stopWorking();
    this.pulling?.end();
    this.held.releaseAll();
    this.sharedInbox = undefined;
    await this.link.close();
  }

  private async jetStream(): Promise<JetStreamClient> {
    if (this.js === undefined) {
      const nc = await this.link.open();
      this.js = jetstream(nc);
    }
    if (this.connectorConfig.declare !== false) {
      const nc = await this.link.open();
      this.streamReady ??= jetstreamManager(nc)
        .then(async (jsm) => {
          await this.ensureStream(jsm);
        })
        .catch((error: unknown) => {
          this.streamReady = undefined;
          throw error;
        });
      await this.streamReady;
    }
    return this.js;
  }

  private ensureStream(jsm: JetStreamManager): Promise<string> {
    return ensureStream(jsm, this.destination, this.connectorConfig.stream);
  }

  private notStarted(operation: string): Error {
    return new RomewaysError(
      "ROMEWAYS_NATS_NOT_STARTED",
      `${operation}() on queue "${this.queueName}" needs start() first`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
