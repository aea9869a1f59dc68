import { type RawMessage, RomewaysError } from "@romeways/core";

/**
 * A send the broker rejects for good: sending it again can never succeed. `retriable: false`
 * (kafkajs's own marker) tells core to stop retrying and take the failure path.
 */
export class KafkaSendRejectedError extends RomewaysError {
  readonly retriable = false;

  constructor(message: string, options?: ErrorOptions) {
    super("ROMEWAYS_KAFKA_SEND_REJECTED", message, options);
  }
}

// Kafka's answers to a record that is too large for the topic or the broker.
const tooLarge = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

/** Whether kafkajs's error is the broker refusing the record for its size. */
export function isTooLarge(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { type } = error as Error & { type?: string };
  if (type !== undefined && tooLarge.has(type)) return true;
  return error.cause !== undefined && isTooLarge(error.cause);
}

/** Bytes of the record as the producer writes them, near enough: body, key and headers. */
export function recordBytes(message: RawMessage): number {
  let bytes = message.body?.length ?? 0;
  if (typeof message.key === "string") bytes += Buffer.byteLength(message.key);
  else if (message.key !== undefined) bytes += message.key.length;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}

export function tooLargeError(
  topic: string,
  message: RawMessage,
  limit: number | undefined,
  cause: unknown,
): KafkaSendRejectedError {
  const size = recordBytes(message);
  const over =
    limit === undefined
      ? "larger than the broker accepts (its message.max.bytes or the topic's max.message.bytes)"
      : `larger than the topic's max.message.bytes (${limit} bytes, record overhead included)`;
  return new KafkaSendRejectedError(
    `the broker rejected a message of ${size} bytes for topic "${topic}": ${over}. ` +
      `Sending it again cannot succeed; raise max.message.bytes on the topic or send less`,
    { cause },
  );
}
