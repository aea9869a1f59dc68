import type {
  JsonValue,
  Outcome,
  RawMessage,
  RomewaysEmitter,
  RomewaysEvents,
} from "@romeways/core";

/** Where an outcome happened, and the message it happened to. */
interface OutcomeOf {
  queueName: string;
  connectorName: string;
  /** The message as the connector delivered it: bytes, key, headers. */
  raw: RawMessage;
  /** The handler's view of the body; null for a discarded message. */
  payload: string | null;
  /** The payload as a JSON value (see `Message.payloadValue`); null for a discarded message. */
  payloadValue: JsonValue;
  rwResendTimes: number;
  /** Time the handler took, in milliseconds (virtual time does not count). */
  durationMs: number;
}

/**
 * What became of one delivery of a message: core's own `Outcome` (narrow on `outcome`), with
 * where it happened and the message's decoded fields.
 */
export type MessageOutcome = Outcome & OutcomeOf;

export type OutcomeKind = MessageOutcome["outcome"];

/** The outcome events of an app, as a list in the order they happened. */
export class OutcomeRecorder {
  readonly all: MessageOutcome[] = [];
  /** Messages whose handler started and whose outcome is not final yet. */
  handling = 0;
  /** Stops recording. */
  readonly dispose: () => void;

  constructor(
    events: RomewaysEmitter,
    private readonly onRecord: () => void,
  ) {
    const onReceived = () => {
      this.handling++;
    };
    const onOutcome = (event: RomewaysEvents["message:outcome"][0]) => {
      const { message, outcome, raw, queueName, connectorName, durationMs } = event;
      if (message !== undefined) this.handling--;
      this.record({
        ...outcome,
        queueName,
        connectorName,
        raw,
        payload: message?.payload ?? null,
        payloadValue: message?.payloadValue ?? null,
        rwResendTimes: message?.rwResendTimes ?? 0,
        durationMs,
      });
    };
    events.on("message:received", onReceived);
    events.on("message:outcome", onOutcome);
    this.dispose = () => {
      events.off("message:received", onReceived);
      events.off("message:outcome", onOutcome);
    };
  }

  of(queueName?: string): MessageOutcome[] {
    return queueName === undefined
      ? [...this.all]
      : this.all.filter((o) => o.queueName === queueName);
  }

  private record(outcome: MessageOutcome): void {
    this.all.push(outcome);
    this.onRecord();
  }
}
