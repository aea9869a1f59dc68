import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { DeliveredMessage } from "./delivered-message.js";
import type { JsonValue } from "./envelope.js";
import { InvalidPayloadError, toError } from "./errors/index.js";
import type { QueueRef, RomewaysEmitter } from "./events.js";
import type { HandlerResult } from "./outcome.js";

/** The queue-config fields that type `message.data`; part of `QueueConfig`. */
export interface PayloadConfig {
  /**
   * Any Standard Schema (zod, valibot, arktype, ...): the decoded payload is validated before
   * the handler runs, which gets the schema's output as `message.data`. A message that fails
   * is never resent: dead-lettered with reason `invalid` (or failed), event `message:invalid`.
   */
  schema?: StandardSchemaV1;
  /** Turns the payload text into what `schema` checks. Default with a schema: `JSON.parse`. */
  decode?: (payload: string) => unknown;
}

/** What `message.data` is for a queue with schema `S` (or `decode` returning `D`). */
export type PayloadData<S, D = unknown> = [S] extends [StandardSchemaV1]
  ? StandardSchemaV1.InferOutput<S>
  : D;

/** What a producer may publish to a queue with schema `S`: its input; else any payload. */
export type PayloadInput<S> = [S] extends [StandardSchemaV1]
  ? StandardSchemaV1.InferInput<S>
  : string | Uint8Array | JsonValue;

/** The publishable payload of a queue config type `Q` (by its `schema`). */
export type QueuePayloadInput<Q> = Q extends { schema?: infer S } ? PayloadInput<S> : never;

/** How one queue turns a payload into `message.data`; undefined for a queue without either. */
export interface PayloadCheck {
  readonly decode: (payload: string) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
  readonly onInvalid: (message: DeliveredMessage, error: InvalidPayloadError) => void;
}

export function payloadCheckOf(
  config: PayloadConfig,
  events: RomewaysEmitter,
  ref: QueueRef,
): PayloadCheck | undefined {
  const { schema, decode } = config;
  if (schema === undefined && decode === undefined) return undefined;
  return {
    decode: decode ?? JSON.parse,
    schema,
    onInvalid: (message, error) => {
      if (events.listenerCount("message:invalid") === 0) return;
      events.emit("message:invalid", { ...ref, message, issues: error.issues, error });
    },
  };
}

type Call<O> = (options: O, message: DeliveredMessage) => HandlerResult | PromiseLike<unknown>;

/**
 * Decodes and validates the payload, sets `message.data`, then calls the handler through
 * `call`. An invalid payload never reaches the handler: it ends as a result (or, after an
 * async schema, a rejection) carrying an `InvalidPayloadError`, whose outcome never resends.
 */
export function checkPayloadThenCall<O>(
  check: PayloadCheck,
  options: O,
  message: DeliveredMessage,
  call: Call<O>,
): HandlerResult | PromiseLike<unknown> {
  let value: unknown;
  try {
    value = check.decode(message.payload);
  } catch (error) {
    return invalid(check, message, `the payload does not decode: ${toError(error).message}`, error);
  }
  const { schema } = check;
  if (schema === undefined) {
    message.data = value;
    return call(options, message);
  }
  let validated: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    validated = schema["~standard"].validate(value);
  } catch (error) {
    return invalid(check, message, `the schema threw: ${toError(error).message}`, error);
  }
  if (!isThenable(validated)) return afterValidation(check, options, message, call, validated);
  return Promise.resolve(validated).then(
    (result) => {
      const called = afterValidation(check, options, message, call, result);
      if (isThenable(called)) return called;
      if (called.ok) return undefined;
      throw "thrown" in called ? called.thrown : called.timedOut;
    },
    (error: unknown) => {
      const failed = invalid(check, message, `the schema threw: ${toError(error).message}`, error);
      throw failed.thrown;
    },
  );
}

function afterValidation<O>(
  check: PayloadCheck,
  options: O,
  message: DeliveredMessage,
  call: Call<O>,
  result: StandardSchemaV1.Result<unknown>,
): HandlerResult | PromiseLike<unknown> {
  if (result.issues !== undefined)
    return rejected(check, message, new InvalidPayloadError(result.issues));
  message.data = result.value;
  return call(options, message);
}

function invalid(
  check: PayloadCheck,
  message: DeliveredMessage,
  text: string,
  cause: unknown,
): { ok: false; thrown: InvalidPayloadError } {
  return rejected(check, message, new InvalidPayloadError([{ message: text }], { cause }));
}

function rejected(
  check: PayloadCheck,
  message: DeliveredMessage,
  error: InvalidPayloadError,
): { ok: false; thrown: InvalidPayloadError } {
  check.onInvalid(message, error);
  return { ok: false, thrown: error };
}

function isThenable<T>(value: T | PromiseLike<unknown>): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
