import type { RawMessage } from "@romeways/core";

/**
 * A message as the Redis connector delivers it: the `RawMessage` plus the stream entry it came
 * from. Handlers see it as `message.raw`; core hands the same object back to `ack`.
 */
export interface RedisRawMessage extends RawMessage {
  readonly stream: string;
  /** The entry's id, `<milliseconds>-<sequence>`. */
  readonly id: string;
  /** The key's bytes, if the message has a key. */
  key?: Uint8Array;
}
