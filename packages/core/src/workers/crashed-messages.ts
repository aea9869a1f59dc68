import type { Connector, RawMessage } from "../connector.js";
import { RomewaysError } from "../errors/index.js";
import type { RomewaysEmitter } from "../events.js";
import type { Logger } from "../logger.js";
import type { ResolvedQueueConfig } from "../queue-config.js";
import { settleCrashedMessage } from "./crash-dead-letter.js";

/** A message a worker held when it crashed, with its queue. */
export interface HeldMessage {
  queueName: string;
  raw: RawMessage;
}

/**
 * Counts, per message, the worker crashes it was held through (a connector hosted in the
 * parent hands the same message object back on redelivery). One that reached
 * `maxWorkerCrashes` is not given to a worker again: the parent dead-letters it with reason
 * `crashed` (or, without a dead-letter queue, drops it as failed), so a message that kills its
 * worker cannot block its queue forever.
 */
export class CrashedMessages {
  private readonly counts = new WeakMap<RawMessage, number>();

  constructor(
    private readonly options: {
      registration: { connectorName: string; maxWorkerCrashes: number };
      events: RomewaysEmitter;
      logger: Logger;
    },
  ) {}

  record(held: readonly HeldMessage[]): void {
    for (const { raw } of held) this.counts.set(raw, (this.counts.get(raw) ?? 0) + 1);
  }

  crashesOf(raw: RawMessage): number {
    return this.counts.get(raw) ?? 0;
  }

  isPoison(raw: RawMessage): boolean {
    return this.crashesOf(raw) >= this.options.registration.maxWorkerCrashes;
  }

  /** Takes the poison message out of its queue: dead-lettered (or failed), then acknowledged. */
  async settle(
    queueName: string,
    config: ResolvedQueueConfig,
    raw: RawMessage,
    source: Connector,
    deadLetter: () => Connector,
  ): Promise<void> {
    const { connectorName, maxWorkerCrashes } = this.options.registration;
    const crashes = this.crashesOf(raw);
    return settleCrashedMessage({
      ref: { connectorName, queueName },
      raw,
      error: new RomewaysError(
        "ROMEWAYS_WORKER_CRASHES",
        `the message was held by ${crashes} worker(s) that crashed (maxWorkerCrashes ${maxWorkerCrashes})`,
      ),
      deadLetterQueue: config.deadLetterQueue,
      deadLetter,
      ack: (message) => source.ack([message]),
      events: this.options.events,
      logger: this.options.logger,
      logFields: { crashes },
    });
  }
}
