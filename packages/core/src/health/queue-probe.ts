import type { Clock } from "../clock.js";
import type { Connector, RawMessage } from "../connector.js";
import { toError } from "../errors/index.js";
import type { ConnectorPhase } from "../events.js";
import type { OutcomeName } from "../outcome.js";

/**
 * What health knows of one queue's loop, learnt by watching its connector's calls (one
 * bookkeeping step per poll and per ack, nothing per message) and, once health is in use,
 * its outcome events.
 */
export class QueueProbe {
  /** Taken by polls and not acknowledged yet. */
  taken = 0;
  polling = false;
  pollFailures = 0;
  lastPollAt: number | undefined;
  /** Clock time of the last sign of progress: a poll returned, an ack, an outcome. */
  lastProgress: number;
  lastOutcome: { outcome: OutcomeName; at: number } | undefined;
  lastError: { message: string; phase: ConnectorPhase | "handler"; at: number } | undefined;

  constructor(private readonly clock: Pick<Clock, "now">) {
    this.lastProgress = clock.now();
  }

  progressed(): void {
    this.lastProgress = this.clock.now();
  }

  outcome(outcome: OutcomeName, error: Error | undefined): void {
    this.progressed();
    const at = Date.now();
    this.lastOutcome = { outcome, at };
    if (error !== undefined) this.lastError = { message: error.message, phase: "handler", at };
  }

  error(phase: ConnectorPhase, error: Error): void {
    this.lastError = { message: error.message, phase, at: Date.now() };
  }

  /** The connector the loop drives: the same calls, counted. */
  watch(connector: Connector): Connector {
    const probe = this;
    return {
      start: () => connector.start(),
      getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
        probe.polling = true;
        return connector.getMessages(maxChunkSize, signal).then(
          (messages) => {
            probe.polling = false;
            probe.pollFailures = 0;
            probe.taken += messages.length;
            probe.lastPollAt = Date.now();
            probe.progressed();
            return messages;
          },
          (error: unknown) => {
            probe.polling = false;
            probe.pollFailures++;
            probe.error("poll", toError(error));
            throw error;
          },
        );
      },
      sendMessage: (message) => connector.sendMessage(message),
      ack(messages: RawMessage[]): Promise<void> {
        return connector.ack(messages).then(() => {
          probe.taken = Math.max(0, probe.taken - messages.length);
          probe.progressed();
        });
      },
      stop: () => connector.stop(),
    };
  }
}
