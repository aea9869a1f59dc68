import { createHash } from "node:crypto";
import type { Connector, ConnectorHealth, RawMessage } from "../connector.js";
import { RomewaysError } from "../errors/index.js";
import type { QueueRef, RomewaysEmitter } from "../events.js";
import type { Logger } from "../logger.js";
import type { ResolvedQueueConfig } from "../queue-config.js";
import { settleCrashedMessage } from "./crash-dead-letter.js";
import type { WorkerToParent } from "./ipc-messages.js";

/**
 * Names a message across redeliveries to other processes: a hash of its key and body (a
 * broker redelivers the same record). Two messages with the same key and body share it.
 */
export function messageIdentity(raw: RawMessage): string {
  const hash = createHash("sha1");
  const { key, body } = raw;
  if (key !== undefined) hash.update(key);
  hash.update("\u0000");
  if (body !== null) hash.update(body);
  return hash.digest("hex");
}

/** What the worker's end of the channel offers the guard. */
export interface GuardChannel {
  send(message: WorkerToParent): void;
  /** Identities the parent declared poison for a queue (crashed `maxWorkerCrashes` workers). */
  isPoison(queueName: string, identity: string): boolean;
}

export interface CrashGuardOptions {
  ref: QueueRef;
  config: ResolvedQueueConfig;
  channel: GuardChannel;
  deadLetter: () => Connector | undefined;
  events: RomewaysEmitter;
  logger: Logger;
}

/**
 * In a worker process, around a connector the worker reaches itself (Kafka, Redis...): tells
 * the parent what the worker holds (per poll and per ack, never per message over IPC), so the
 * parent can count a crash against those messages; a message the parent declared poison is
 * dead-lettered with reason `crashed` (or dropped as failed) instead of reaching the handler.
 */
export class CrashGuard implements Connector {
  private readonly identities = new WeakMap<RawMessage, string>();

  constructor(
    private readonly inner: Connector,
    private readonly options: CrashGuardOptions,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const taken = await this.inner.getMessages(maxChunkSize, signal);
    if (taken.length === 0) return taken;
    const { ref, channel } = this.options;
    const kept: RawMessage[] = [];
    const ids: string[] = [];
    for (const raw of taken) {
      const id = messageIdentity(raw);
      if (channel.isPoison(ref.queueName, id)) {
        await this.settlePoison(raw);
        continue;
      }
      this.identities.set(raw, id);
      ids.push(id);
      kept.push(raw);
    }
    if (ids.length > 0) channel.send({ type: "held", queueName: ref.queueName, ids });
    return kept;
  }

  sendMessage(message: RawMessage): Promise<void> {
    return this.inner.sendMessage(message);
  }

  async ack(messages: RawMessage[]): Promise<void> {
    await this.inner.ack(messages);
    const ids = messages.flatMap((raw) => {
      const id = this.identities.get(raw);
      return id === undefined ? [] : [id];
    });
    if (ids.length > 0) {
      this.options.channel.send({ type: "released", queueName: this.options.ref.queueName, ids });
    }
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  health(): ConnectorHealth {
    return typeof this.inner.health === "function" ? this.inner.health() : { connected: true };
  }

  private settlePoison(raw: RawMessage): Promise<void> {
    const { ref, config, events, logger } = this.options;
    return settleCrashedMessage({
      ref,
      raw,
      error: new RomewaysError(
        "ROMEWAYS_WORKER_CRASHES",
        "the message was held by worker processes that crashed maxWorkerCrashes times",
      ),
      deadLetterQueue: config.deadLetterQueue,
      deadLetter: () => this.options.deadLetter(),
      ack: (message) => this.inner.ack([message]),
      events,
      logger,
    });
  }
}
