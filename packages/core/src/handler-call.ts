import type { Clock } from "./clock.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { HandlerTimeoutError } from "./errors/index.js";
import type { Message } from "./message.js";
import type { HandlerResult } from "./outcome.js";
import { checkPayloadThenCall, type PayloadCheck } from "./payload-schema.js";

/** A user's handler; whatever it throws has a defined outcome. */
export type Handler = (message: Message) => unknown;

export interface HandlerCallOptions {
  handler: Handler;
  clock: Clock;
  /** `handlerTimeoutMs`; undefined: no deadline. */
  timeoutMs: number | undefined;
  /** A handler finished after its deadline had already decided its outcome. */
  onLate(message: DeliveredMessage, result: HandlerResult, durationMs: number): void;
  /** The queue's `schema`/`decode`, checked before the handler runs (payload-schema.ts). */
  payload?: PayloadCheck | undefined;
}

/** The result of a handler that resolved: one shared object, no allocation per message. */
export const handlerOk: HandlerResult = Object.freeze({ ok: true });

/** Calls one message's handler; see `handlerCaller`. */
export type HandlerCaller = (message: DeliveredMessage) => HandlerResult | PromiseLike<unknown>;

/**
 * The one way core calls a handler, for every mode, made once per queue for its options. A
 * synchronous handler's result comes back at once (no promise at all). A thenable comes back as
 * a promise that settles as the handler does, with no promise of core's own in between; with a
 * deadline, it rejects at the deadline at the latest with a `HandlerTimeoutError`, the message's
 * signal aborted, and what the handler does after that only reaches `onLate`. A queue with
 * neither a schema nor a deadline gets the bare call: no option is read per message.
 * `failedWith` reads a rejection.
 */
export function handlerCaller(options: HandlerCallOptions): HandlerCaller {
  const { handler, payload, timeoutMs } = options;
  if (payload === undefined && timeoutMs === undefined)
    return (message) => invoke(handler, message);
  return (message) => callHandler(options, message);
}

/** `handlerCaller`'s work for one message, with the options read each time. */
function callHandler(
  options: HandlerCallOptions,
  message: DeliveredMessage,
): HandlerResult | PromiseLike<unknown> {
  if (options.payload !== undefined) {
    return checkPayloadThenCall(options.payload, options, message, callUnchecked);
  }
  return callUnchecked(options, message);
}

function callUnchecked(
  options: HandlerCallOptions,
  message: DeliveredMessage,
): HandlerResult | PromiseLike<unknown> {
  const called = invoke(options.handler, message);
  const { timeoutMs } = options;
  if (timeoutMs === undefined || !isThenable(called)) return called;
  return withDeadline(options, message, called, timeoutMs);
}

/** The handler's result: `handlerOk`, what it threw, or its thenable (adopted by the caller). */
function invoke(handler: Handler, message: DeliveredMessage): HandlerResult | PromiseLike<unknown> {
  try {
    const result = handler(message);
    // Reading `then` may throw: inside the try. The thenable itself is adopted by the caller
    // (`await`, or `Promise.resolve`), which also guards against a `then()` that throws.
    return isThenable(result) ? result : handlerOk;
  } catch (thrown) {
    return { ok: false, thrown };
  }
}

/** How a handler's promise rejected: a timeout when it is core's deadline (or rethrows it). */
export function failedWith(thrown: unknown): HandlerResult {
  return HandlerTimeoutError.isInstanceSafe(thrown)
    ? { ok: false, timedOut: thrown }
    : { ok: false, thrown };
}

function withDeadline(
  options: HandlerCallOptions,
  message: DeliveredMessage,
  thenable: PromiseLike<unknown>,
  timeoutMs: number,
): Promise<unknown> {
  const settling = Promise.resolve(thenable);
  const timer = new AbortController();
  const started = performance.now();
  let decided = false;
  return new Promise<unknown>((resolve, reject) => {
    const settle = (result: HandlerResult, report: () => void) => {
      if (decided) return options.onLate(message, result, performance.now() - started);
      decided = true;
      timer.abort();
      report();
    };
    settling.then(
      (value) => settle(handlerOk, () => resolve(value)),
      (thrown: unknown) => settle({ ok: false, thrown }, () => reject(thrown)),
    );
    options.clock.sleep(timeoutMs, timer.signal).then(() => {
      if (decided) return;
      decided = true;
      const timedOut = new HandlerTimeoutError(timeoutMs);
      message.abort(timedOut);
      reject(timedOut);
    });
  });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
