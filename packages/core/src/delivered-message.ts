import type { RawMessage } from "./connector.js";
import {
  counterNumber,
  type JsonValue,
  type PythonMessage,
  payloadText,
  readPythonMessage,
  toJsonValue,
} from "./envelope.js";
import type { Message } from "./message.js";

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * The `Message` core hands to a handler. Its body is decoded on the first read of `payload`,
 * `payloadValue` or `rwResendTimes`: a handler that reads only `raw` (or nothing) pays no
 * decoding, which costs about as much as the rest of core's work on a message.
 */
export class DeliveredMessage implements Message {
  #python: PythonMessage | undefined;
  #payload: string | undefined;
  #payloadValue: { value: JsonValue } | undefined;
  /** Made on the first read of `signal` or the first abort: most handlers never read it. */
  #abort: AbortController | undefined;

  constructor(
    readonly queueName: string,
    readonly raw: RawMessage & { readonly body: Uint8Array },
    /** Where a message whose handler reads `signal` registers, so a stop deadline reaches it. */
    private readonly watchers?: Set<DeliveredMessage>,
  ) {}

  get payload(): string {
    this.#payload ??= payloadText(this.python.payload);
    return this.#payload;
  }

  get payloadValue(): JsonValue {
    this.#payloadValue ??= { value: toJsonValue(this.python.payloadValue) };
    return this.#payloadValue.value;
  }

  get rwResendTimes(): number {
    return counterNumber(this.python.counter);
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      this.watchers?.add(this);
    }
    return this.#abort.signal;
  }

  /** The handler should give up: its deadline passed, or the app's stop deadline did. */
  abort(reason: Error): void {
    this.#abort ??= new AbortController();
    this.#abort.abort(reason);
  }

  /** The body as Python romeways holds it: what a resend and a dead letter are built from. */
  get python(): PythonMessage {
    this.#python ??= readPythonMessage(this.raw.body, this.raw.headers);
    return this.#python;
  }

  /** The decoded fields are getters, which JSON.stringify and util.inspect skip: both get a copy. */
  toJSON(): Omit<Message, "signal"> {
    return this.toPlain();
  }

  [inspectSymbol](): Omit<Message, "signal"> {
    return this.toPlain();
  }

  private toPlain(): Omit<Message, "signal"> {
    const { queueName, payload, payloadValue, rwResendTimes, raw } = this;
    return { queueName, payload, payloadValue, rwResendTimes, raw };
  }
}
