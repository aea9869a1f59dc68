import type {
  DeadLetterReason,
  JsonValue,
  Message,
  RawMessage,
  RomewaysEmitter,
  RomewaysEvents,
} from "@romeways/core";

interface OutcomeOf {
  queueName: string;
  connectorName: string;
  /** The message as the connector delivered it: bytes, key, headers. */
  raw: RawMessage;
}

interface DecodedOutcome extends OutcomeOf {
  payload: string;
  /** The payload as a JSON value (see `Message.payloadValue`). */
  payloadValue: JsonValue;
  rwResendTimes: number;
}

/** What became of one delivery of a message; narrow on `outcome`. */
export type MessageOutcome =
  | (DecodedOutcome & { outcome: "handled" })
  | (DecodedOutcome & { outcome: "resent"; error: Error })
  | (DecodedOutcome & {
      outcome: "dead-lettered";
      error: Error;
      reason: DeadLetterReason;
      deadLetterQueue: string;
    })
  | (DecodedOutcome & { outcome: "failed"; error: Error })
  | (OutcomeOf & { outcome: "discarded"; payload: null; payloadValue: null; rwResendTimes: 0 });

export type OutcomeKind = MessageOutcome["outcome"];

/** The outcome events of an app, as a list in the order they happened. */
export class OutcomeRecorder {
  readonly all: MessageOutcome[] = [];
  /** Stops recording. */
  readonly dispose: () => void;

  constructor(
    events: RomewaysEmitter,
    private readonly onRecord: () => void,
  ) {
    const from = (event: { connectorName: string; queueName: string; message: Message }) => ({
      queueName: event.queueName,
      connectorName: event.connectorName,
      raw: event.message.raw,
      payload: event.message.payload,
      payloadValue: event.message.payloadValue,
      rwResendTimes: event.message.rwResendTimes,
    });
    const onHandled = (e: RomewaysEvents["message:handled"][0]) =>
      this.record({ ...from(e), outcome: "handled" });
    const onResent = (e: RomewaysEvents["message:resent"][0]) =>
      this.record({ ...from(e), outcome: "resent", error: e.error });
    const onDeadLettered = (e: RomewaysEvents["message:dead-lettered"][0]) =>
      this.record({
        ...from(e),
        outcome: "dead-lettered",
        error: e.error,
        reason: e.reason,
        deadLetterQueue: e.deadLetterQueue,
      });
    const onFailed = (e: RomewaysEvents["message:failed"][0]) =>
      this.record({ ...from(e), outcome: "failed", error: e.error });
    const onDiscarded = (e: RomewaysEvents["message:discarded"][0]) =>
      this.record({
        queueName: e.queueName,
        connectorName: e.connectorName,
        raw: e.raw,
        outcome: "discarded",
        payload: null,
        payloadValue: null,
        rwResendTimes: 0,
      });
    events.on("message:handled", onHandled);
    events.on("message:resent", onResent);
    events.on("message:dead-lettered", onDeadLettered);
    events.on("message:failed", onFailed);
    events.on("message:discarded", onDiscarded);
    this.dispose = () => {
      events.off("message:handled", onHandled);
      events.off("message:resent", onResent);
      events.off("message:dead-lettered", onDeadLettered);
      events.off("message:failed", onFailed);
      events.off("message:discarded", onDiscarded);
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
