import type { RawMessage } from "@romeways/core";

/**
 * A message as the SQS connector delivers it: the `RawMessage` plus what SQS said about it.
 * Handlers see it as `message.raw`; core hands the same object back to `ack`.
 */
export interface SqsRawMessage extends RawMessage {
  readonly sqs: {
    readonly messageId: string;
    /** What DeleteMessage and ChangeMessageVisibility name the message by, for this receive. */
    readonly receiptHandle: string;
    /** `ApproximateReceiveCount`: 1 on the first delivery, more after a redelivery. */
    readonly receiveCount: number;
    /** FIFO queues: the message's `MessageGroupId` and `SequenceNumber`. */
    readonly groupId?: string;
    readonly sequenceNumber?: string;
  };
}
