import type { RawMessage } from "@romeways/core";

/**
 * A message as the Kafka connector delivers it: the `RawMessage` plus where it came from.
 * Handlers see it as `message.raw`; core hands the same object back to `ack`.
 */
export interface KafkaRawMessage extends RawMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offset in the partition, a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  /** Timestamp of the record, milliseconds since the epoch as a decimal string. */
  readonly timestamp: string;
  /**
   * The record's headers as UTF-8 text; of a repeated header, the last value. A header
   * without a value is `""`; bytes that are not UTF-8 come with U+FFFD in their place.
   */
  headers: Record<string, string>;
  /** The record's key bytes, if it has a key. */
  key?: Uint8Array;
}
