import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * What `publish` sends as the body: a string as its UTF-8 bytes, a `Uint8Array` as it is, any
 * other value (an object, an array, a number, a boolean, null) as its JSON text. Python
 * romeways reads each as it would a body its own producer wrote: `message.payload` is the text.
 */
export type PublishPayload = string | Uint8Array | number | boolean | null | object;

/**
 * What `publish` takes as the payload with the schema `S` of `options.schema`: the schema's
 * input (what its consumer validates); any `PublishPayload` without one.
 */
export type PublishPayloadFor<S extends StandardSchemaV1 | undefined> = [S] extends [
  StandardSchemaV1,
]
  ? StandardSchemaV1.InferInput<S> & PublishPayload
  : PublishPayload;

/** Options of one publish. */
export interface PublishOptions<
  S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  /** The message key (Kafka: picks the partition, so messages with one key stay in order). */
  key?: string | Uint8Array;
  /** Headers sent with the message, where the broker carries headers. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Milliseconds before a consumer handles the message. Sent as the `x-romeways-not-before`
   * header (epoch milliseconds), which romeways consumers hold the message for, as they hold a
   * delayed resend; a consumer that does not know the header handles it at once.
   */
  delayMs?: number;
  /**
   * The queue's schema (zod, valibot, any Standard Schema): types the payload as its input,
   * and the payload is validated before it is sent, as the consumer will. Without it, a
   * publish to a queue this app consumes with a `schema` is validated by that schema.
   * An invalid payload rejects with an `InvalidPayloadError`; nothing is sent.
   */
  schema?: S;
}

/** Publishes to the queues of one connector, consumed by this app or not. */
export interface Producer {
  /** The connector this producer publishes through. */
  readonly connectorName: string;
  /** Resolves once the broker has the message (Kafka: acknowledged with the configured acks). */
  publish<S extends StandardSchemaV1 | undefined = undefined>(
    queueName: string,
    payload: PublishPayloadFor<S>,
    options?: PublishOptions<S>,
  ): Promise<void>;
}
