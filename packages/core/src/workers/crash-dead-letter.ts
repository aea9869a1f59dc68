import type { Connector, RawMessage } from "../connector.js";
import { deadLetterOf } from "../dead-letter.js";
import { DeliveredMessage } from "../delivered-message.js";
import { type RomewaysError, toError } from "../errors/index.js";
import type { QueueRef, RomewaysEmitter } from "../events.js";
import type { Logger } from "../logger.js";

export interface CrashedMessageSettlement {
  ref: QueueRef;
  raw: RawMessage;
  /** Why: the `ROMEWAYS_WORKER_CRASHES` error, its message saying how many crashes. */
  error: RomewaysError;
  /** The queue's `deadLetterQueue` and a connector that publishes there, when it has one. */
  deadLetterQueue: string | undefined;
  deadLetter: () => Connector | undefined;
  /** Acknowledges the message on the queue it came from. */
  ack: (raw: RawMessage) => Promise<void>;
  events: RomewaysEmitter;
  logger: Logger;
  /** Extra fields for the log lines (the crash count). */
  logFields?: object;
}

/**
 * Takes a message that crashed its workers `maxWorkerCrashes` times out of its queue: dead-lettered
 * with reason `crashed` (or, without a dead-letter queue, dropped as failed), then acknowledged.
 * Used by the parent for connectors it hosts and by a worker for those it reaches itself. If the
 * dead letter cannot be published, the message stays unacknowledged and is tried again when it
 * comes back.
 */
export async function settleCrashedMessage(settlement: CrashedMessageSettlement): Promise<void> {
  const { ref, raw, error, deadLetterQueue: target, events, logger, logFields } = settlement;
  const message = new DeliveredMessage(ref.queueName, raw as RawMessage & { body: Uint8Array });
  const deadLetter = target === undefined ? undefined : settlement.deadLetter();
  if (target === undefined || deadLetter === undefined || raw.body === null) {
    logger.error({ ...ref, ...logFields }, `message dropped as failed: ${error.message}`);
    await settlement.ack(raw);
    events.emit("message:failed", { ...ref, message, durationMs: 0, error });
    return;
  }
  try {
    await deadLetter.sendMessage(
      deadLetterOf(message, ref.queueName, "crashed", error, Date.now()),
    );
    await settlement.ack(raw);
    logger.error(
      { ...ref, ...logFields, deadLetterQueue: target },
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
    logger.error(
      { ...ref, error: toError(thrown) },
      `dead-lettering a crashing message to "${target}" failed: ${toError(thrown).message}`,
    );
  }
}
