import type { Connector, RawMessage } from "../connector.js";
import { deadLetterOf } from "../dead-letter.js";
import { DeliveredMessage } from "../delivered-message.js";
import { RomewaysError, toError } from "../errors/index.js";
import type { RomewaysEmitter } from "../events.js";
import type { Logger } from "../logger.js";
import type { ResolvedQueueConfig } from "../queue-config.js";

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
    const { logger, events } = this.options;
    const crashes = this.crashesOf(raw);
    const error = new RomewaysError(
      "ROMEWAYS_WORKER_CRASHES",
      `the message was held by ${crashes} worker(s) that crashed (maxWorkerCrashes ${maxWorkerCrashes})`,
    );
    const ref = { connectorName, queueName };
    const message = new DeliveredMessage(queueName, raw as RawMessage & { body: Uint8Array });
    const target = config.deadLetterQueue;
    if (target === undefined || raw.body === null) {
      logger.error({ ...ref, crashes }, `message dropped as failed: ${error.message}`);
      await source.ack([raw]);
      events.emit("message:failed", { ...ref, message, durationMs: 0, error });
      return;
    }
    try {
      const dead = deadLetterOf(message, queueName, "crashed", error, Date.now());
      await deadLetter().sendMessage(dead);
      await source.ack([raw]);
      logger.error(
        { ...ref, crashes, deadLetterQueue: target },
        `message dead-lettered to "${target}": ${error.message}`,
      );
      events.emit("message:dead-lettered", {
        ...ref,
        message,
        durationMs: 0,
        error,
        reason: "crashed",
        deadLetterQueue: target,
      });
    } catch (thrown) {
      // Left unacknowledged: it is delivered again, and this is tried again then.
      logger.error(
        { ...ref, error: toError(thrown) },
        `dead-lettering a crashing message to "${target}" failed: ${toError(thrown).message}`,
      );
    }
  }
}
