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

interface RareParts {
  payload?: string;
  payloadValue?: { value: JsonValue };
  /** Made on the first read of `signal` or the first abort: most handlers never read it. */
  abort?: AbortController;
}

/**
 * The `Message` core hands to a handler. Its body is decoded on the first read of `payload`,
 * `payloadValue` or `rwResendTimes`: a handler that reads only `raw` (or nothing) pays no
 * decoding, which costs about as much as the rest of core's work on a message.
 */
export class DeliveredMessage implements Message {
  #python: PythonMessage | undefined;
  /** What few handlers need, made on first use: a small object per message is what it costs. */
  #rare: RareParts | undefined;
  /** Set before the handler runs on a queue with `schema`/`decode` (payload-schema.ts). */
  declare data: unknown;
  // Declared, then assigned: parameter properties compile to class fields that are first
  // defined as undefined and then assigned, which cost 4 % of a no-op message (A/B of bundles).
  declare readonly queueName: string;
  declare readonly raw: RawMessage & { readonly body: Uint8Array };
  /** Where a message whose handler reads `signal` registers, so a stop deadline reaches it. */
  declare private readonly watchers: Set<DeliveredMessage> | undefined;

  constructor(
    queueName: string,
    raw: RawMessage & { readonly body: Uint8Array },
    watchers?: Set<DeliveredMessage>,
  ) {
    this.queueName = queueName;
    this.raw = raw;
    this.watchers = watchers;
  }

  get payload(): string {
    const { payload } = this.python;
    if (typeof payload === "string") return payload;
    const rare = this.rare();
    rare.payload ??= payloadText(payload);
    return rare.payload;
  }

  get payloadValue(): JsonValue {
    const rare = this.rare();
    rare.payloadValue ??= { value: toJsonValue(this.python.payloadValue) };
    return rare.payloadValue.value;
  }

  get rwResendTimes(): number {
    return counterNumber(this.python.counter);
  }

  get signal(): AbortSignal {
    const rare = this.rare();
    if (rare.abort === undefined) {
      rare.abort = new AbortController();
      this.watchers?.add(this);
    }
    return rare.abort.signal;
  }

  /** The handler should give up: its deadline passed, or the app's stop deadline did. */
  abort(reason: Error): void {
    const rare = this.rare();
    rare.abort ??= new AbortController();
    rare.abort.abort(reason);
  }

  /** The body as Python romeways holds it: what a resend and a dead letter are built from. */
  get python(): PythonMessage {
    this.#python ??= readPythonMessage(this.raw.body, this.raw.headers);
    return this.#python;
  }

  /** The decoded fields are getters, which JSON.stringify and util.inspect skip: both get a copy. */
  toJSON(): Omit<Message, "signal" | "data"> {
    return this.toPlain();
  }

  [inspectSymbol](): Omit<Message, "signal" | "data"> {
    return this.toPlain();
  }

  private rare(): RareParts {
    this.#rare ??= {};
    return this.#rare;
  }

  private toPlain(): Omit<Message, "signal" | "data"> {
    const { queueName, payload, payloadValue, rwResendTimes, raw } = this;
    return { queueName, payload, payloadValue, rwResendTimes, raw };
  }
}
