import {
  type Connector,
  type ConnectorContext,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import { BlockingRead } from "./blocking-read.js";
import {
  type ConsumerSettings,
  checkConnectorConfig,
  type RedisConnectorConfig,
  type RedisQueueConfig,
  redisConfigSpec,
  resolveConsumerSettings,
  resolveMaxLength,
  resolveStream,
} from "./config.js";
import { HeldEntries } from "./held-entries.js";
import {
  type ClientSettings,
  isMissingGroup,
  RedisStreamClient,
  type StreamEntry,
} from "./redis-client.js";
import type { RedisRawMessage } from "./redis-message.js";
import { fromFields, toFields } from "./stream-fields.js";

/**
 * Consumes one Redis stream in a consumer group and publishes to it, at least once: an entry
 * is acknowledged (`XACK`) only after romeways acknowledged its message. Core builds one
 * instance per queue (and a send-only one per dead-letter queue).
 */
export class RedisQueueConnector implements Connector {
  /** Its queue fields and config checks, for core and the test harness (no connection). */
  static readonly configSpec = redisConfigSpec;
  private readonly client: ClientSettings;
  private readonly stream: string;
  private readonly maxLength: number | undefined;
  private settings: ConsumerSettings | undefined;
  /** XADD, XACK, XAUTOCLAIM, XCLAIM, CLIENT UNBLOCK; made by the first send on a send-only instance. */
  private commands: RedisStreamClient | undefined;
  /** The poll's own connection: a blocked read holds its connection until it returns. */
  private blocking: RedisStreamClient | undefined;
  /** Taken and not yet acknowledged: renewed while held, handed back on stop(). */
  private readonly held = new HeldEntries();
  /** Where the next read of this consumer's own pending entries starts; undefined: none left. */
  private ownPendingFrom: string | undefined = "0";
  private claimCursor = "0-0";
  private nextClaimAt = 0;
  /** Without a context to report to: a failed renewal or trimmed entries, thrown by the next poll. */
  private backgroundError: Error | undefined;
  private waitingRead: BlockingRead | undefined;
  /** The running getMessages(), which stop() ends and awaits before it hands messages back. */
  private polling: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    connectorConfig: RedisConnectorConfig,
    private readonly queueConfig: RedisQueueConfig,
    private readonly queueName: string,
    private readonly context?: Partial<ConnectorContext>,
  ) {
    checkConnectorConfig(connectorConfig, queueName);
    const { connectorName: _, url, maxLength: __, ...options } = connectorConfig;
    this.client = { url, options };
    this.stream = resolveStream(queueConfig, queueName);
    this.maxLength = resolveMaxLength(connectorConfig, queueConfig, queueName);
  }

  /** Connects both connections and creates the group at the stream's start if it is new. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    const settings = resolveConsumerSettings(this.queueConfig, this.queueName);
    this.settings = settings;
    this.stopped = false;
    // A started instance first reads its own pending entries and scans for idle ones.
    this.ownPendingFrom = "0";
    this.claimCursor = "0-0";
    this.nextClaimAt = 0;
    try {
      const commands = await this.connectedCommands();
      this.blocking ??= new RedisStreamClient(this.client, "blocking", this.connectionLost);
      await this.blocking.connect();
      await commands.createGroup(settings.stream, settings.group);
    } catch (error) {
      await this.closeConnections();
      throw new RomewaysError(
        "ROMEWAYS_REDIS_CONSUMER",
        `the consumer of stream "${settings.stream}" in group "${settings.group}" could not start: ${messageOf(error)}`,
        { cause: error },
      );
    }
    const renewEveryMs = Math.max(1, Math.floor(settings.claimIdleMs / 3));
    this.held.startRenewing(
      () => this.commands,
      settings,
      renewEveryMs,
      (error, count) =>
        this.report(
          new RomewaysError(
            "ROMEWAYS_REDIS_RENEWAL",
            `could not renew ${count} messages held on stream "${settings.stream}": ${messageOf(error)}; other consumers may claim them after claimIdleMs`,
            { cause: error },
          ),
        ),
    );
  }

  /**
   * Up to `maxChunkSize` entries: first this consumer's own pending ones (a restart under the
   * same name), then those of consumers idle past `claimIdleMs` when a scan is due, then new
   * ones, waiting on the server for the first (a blocking read, ended on abort).
   */
  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const polling = this.poll(maxChunkSize, signal);
    this.polling = polling;
    return polling;
  }

  private async poll(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const settings = this.settings;
    if (settings === undefined) throw this.notStarted("getMessages");
    const backgroundError = this.backgroundError;
    this.backgroundError = undefined;
    if (backgroundError !== undefined) throw backgroundError;
    while (!this.stopped && !signal.aborted) {
      try {
        const taken = await this.takeOnce(settings, maxChunkSize, signal);
        if (taken.length > 0) return taken;
      } catch (error) {
        if (this.stopped || signal.aborted) break;
        if (!isMissingGroup(error)) throw error;
        // The stream or group was deleted (FLUSHALL, a Redis without persistence restarted).
        await (this.blocking as RedisStreamClient).createGroup(settings.stream, settings.group);
      }
    }
    return [];
  }

  /** Publishes an entry with the message's body, key and headers (a resend, a dead letter). */
  async sendMessage(message: RawMessage): Promise<void> {
    const commands = await this.connectedCommands();
    await commands.add(this.stream, toFields(message), this.maxLength);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    const { settings, commands } = this;
    // Stopped: what it held was handed back to the group, to be delivered again.
    if (settings === undefined || commands === undefined || messages.length === 0) return;
    const ids = this.held.release(messages as RedisRawMessage[]);
    await commands.ack(settings.stream, settings.group, ids);
  }

  /**
   * Ends a waiting poll, hands what was taken and not acknowledged to the group (the next
   * `XAUTOCLAIM` of any consumer takes it, a starting consumer's at once), and disconnects.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.held.stopRenewing();
    await this.waitingRead?.wake();
    await this.polling?.catch(() => {});
    const settings = this.settings;
    try {
      if (settings !== undefined && this.commands !== undefined) await this.handBack(settings);
    } finally {
      await this.closeConnections();
    }
  }

  private async takeOnce(
    settings: ConsumerSettings,
    maxChunkSize: number,
    signal: AbortSignal,
  ): Promise<RedisRawMessage[]> {
    // Every read of a poll goes over the poll's connection, which fails at once while Redis
    // is away instead of queueing: the loop reports and retries, and stop() need not wait.
    const reader = this.blocking as RedisStreamClient;
    const { stream, group, consumer } = settings;
    if (this.ownPendingFrom !== undefined) {
      const entries = await reader.readGroup(
        stream,
        group,
        consumer,
        maxChunkSize,
        this.ownPendingFrom,
      );
      this.ownPendingFrom = entries.at(-1)?.id;
      return this.taken(settings, entries);
    }
    const now = Date.now();
    if (now >= this.nextClaimAt) {
      const claimed = await reader.autoClaim(
        stream,
        group,
        consumer,
        settings.claimIdleMs,
        this.claimCursor,
        maxChunkSize,
      );
      this.claimCursor = claimed.next;
      // A pass over the group's pending entries is done: the next one is due in a while.
      if (claimed.next === "0-0") this.nextClaimAt = now + Math.max(1, settings.claimIdleMs / 2);
      if (claimed.deleted.length > 0) this.report(trimmedWhilePending(stream, claimed.deleted));
      const taken = this.taken(settings, claimed.entries);
      if (taken.length > 0 || claimed.next !== "0-0") return taken;
    }
    const blockMs = Math.min(settings.blockMs, Math.max(1, Math.ceil(this.nextClaimAt - now)));
    return this.taken(settings, await this.readNew(settings, maxChunkSize, blockMs, signal));
  }

  /** A blocking read of new entries, ended at once when `signal` aborts or stop() comes. */
  private async readNew(
    { stream, group, consumer }: ConsumerSettings,
    count: number,
    blockMs: number,
    signal: AbortSignal,
  ): Promise<StreamEntry[]> {
    const read = new BlockingRead(this.blocking as RedisStreamClient, this.commands, {
      stream,
      group,
      consumer,
      count,
      blockMs,
    });
    this.waitingRead = read;
    const onAbort = () => void read.wake();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await read.entries;
    } catch (error) {
      // The reply may be lost with the connection after Redis delivered entries to this
      // consumer: they are in its pending list, which the next poll reads first.
      this.ownPendingFrom = "0";
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.waitingRead = undefined;
    }
  }

  /** The messages of `entries` now held by this instance; trimmed ones are acknowledged. */
  private taken(settings: ConsumerSettings, entries: StreamEntry[]): RedisRawMessage[] {
    const messages: RedisRawMessage[] = [];
    const trimmed: string[] = [];
    for (const { id, fields } of entries) {
      // Read again from this consumer's pending list while its handler still runs.
      if (this.held.has(id)) continue;
      if (fields === null) {
        trimmed.push(id);
        continue;
      }
      const message = fromFields(settings.stream, id, fields);
      this.held.hold(message);
      messages.push(message);
    }
    if (trimmed.length > 0) {
      void this.commands?.ack(settings.stream, settings.group, trimmed).catch(() => {});
      this.report(trimmedWhilePending(settings.stream, trimmed));
    }
    return messages;
  }

  private async handBack(settings: ConsumerSettings): Promise<void> {
    const commands = this.commands as RedisStreamClient;
    const { stream, group, consumer } = settings;
    const handedBack = await this.held.handBack(commands, settings);
    // A name made for this instance is never used again: leave no trace of it in the group
    // (tidiness only: not worth waiting for a lost connection to come back).
    if (this.queueConfig.consumer === undefined && (handedBack > 0 || commands.isReady())) {
      await commands.removeConsumerIfIdle(stream, group, consumer);
    }
  }

  /** A background error goes to core's context; without one, the next poll throws it. */
  private report(error: Error): void {
    if (this.context?.reportError !== undefined) this.context.reportError(error);
    else this.backgroundError ??= error;
  }

  private readonly connectionLost = (error: Error): void => {
    // A stopped instance closing its connections is no outage.
    if (this.stopped && this.commands === undefined) return;
    this.report(
      new RomewaysError(
        "ROMEWAYS_REDIS_CONNECTION",
        `lost the connection to Redis for queue "${this.queueName}": ${error.message}; reconnecting`,
        { cause: error },
      ),
    );
  };

  private async connectedCommands(): Promise<RedisStreamClient> {
    if (this.commands === undefined) {
      const commands = new RedisStreamClient(this.client, "commands", this.connectionLost);
      this.commands = commands;
      await commands.connect();
    }
    return this.commands;
  }

  private async closeConnections(): Promise<void> {
    const connections = [this.commands, this.blocking];
    this.commands = undefined;
    this.blocking = undefined;
    await Promise.all(connections.map((connection) => connection?.close()));
  }

  private notStarted(operation: string): Error {
    return new RomewaysError(
      "ROMEWAYS_REDIS_NOT_STARTED",
      `${operation}() on queue "${this.queueName}" needs start() first`,
    );
  }
}

function trimmedWhilePending(stream: string, ids: readonly string[]): Error {
  return new RomewaysError(
    "ROMEWAYS_REDIS_TRIMMED",
    `${ids.length} messages of stream "${stream}" were trimmed (MAXLEN) or deleted before they were acknowledged: ${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", ..." : ""}`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
