import type { RawMessage } from "./connector.js";
import { type DecodedBody, decodeBody } from "./envelope.js";
import type { Message } from "./message.js";

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * The `Message` core hands to a handler. Its body is decoded on the first read of `payload` or
 * `rwResendTimes`: a handler that reads only `raw` (or nothing) pays no UTF-8 decoding, which
 * costs about as much as the rest of core's work on a message.
 */
export class DeliveredMessage implements Message {
  #decoded: DecodedBody | undefined;

  constructor(
    readonly queueName: string,
    readonly raw: RawMessage & { readonly body: Uint8Array },
  ) {}

  get payload(): string {
    return this.decoded().payload;
  }

  get rwResendTimes(): number {
    return this.decoded().rwResendTimes;
  }

  /** The decoded fields are getters, which JSON.stringify and util.inspect skip: both get a copy. */
  toJSON(): Message {
    return this.toPlain();
  }

  [inspectSymbol](): Message {
    return this.toPlain();
  }

  private decoded(): DecodedBody {
    this.#decoded ??= decodeBody(this.raw.body);
    return this.#decoded;
  }

  private toPlain(): Message {
    const { queueName, payload, rwResendTimes, raw } = this;
    return { queueName, payload, rwResendTimes, raw };
  }
}
