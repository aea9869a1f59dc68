import type { Clock } from "./clock.js";
import type { DeliveredMessage } from "./delivered-message.js";
import { HandlerTimeoutError } from "./errors/index.js";
import type { Message } from "./message.js";
import type { HandlerResult } from "./outcome.js";

/** A user's handler; whatever it throws has a defined outcome. */
export type Handler = (message: Message) => unknown;

export interface HandlerCallOptions {
  handler: Handler;
  clock: Clock;
  /** `handlerTimeoutMs`; undefined: no deadline. */
  timeoutMs: number | undefined;
  /** A handler finished after its deadline had already decided its outcome. */
  onLate(message: DeliveredMessage, result: HandlerResult, durationMs: number): void;
}

const ok: HandlerResult = Object.freeze({ ok: true });

/**
 * The one way core calls a handler. A synchronous handler's result comes back at once (no
 * promise), a thenable's once it settles, and with a deadline, at the deadline at the latest:
 * the message's signal then aborts and the result is a timeout; what the handler does after
 * that only reaches `onLate`.
 */
export function callHandler(
  options: HandlerCallOptions,
  message: DeliveredMessage,
): HandlerResult | PromiseLike<HandlerResult> {
  let settling: PromiseLike<unknown>;
  try {
    const result = options.handler(message);
    // Reading `then` may throw, and a foreign thenable's then() too: both inside the try.
    if (!isThenable(result)) return ok;
    settling = result instanceof Promise ? result : Promise.resolve(result);
  } catch (thrown) {
    return { ok: false, thrown };
  }
  const settled = settling.then(
    () => ok,
    (thrown: unknown): HandlerResult => ({ ok: false, thrown }),
  );
  const { timeoutMs } = options;
  return timeoutMs === undefined ? settled : withDeadline(options, message, settled, timeoutMs);
}

function withDeadline(
  options: HandlerCallOptions,
  message: DeliveredMessage,
  settled: PromiseLike<HandlerResult>,
  timeoutMs: number,
): Promise<HandlerResult> {
  const timer = new AbortController();
  const started = performance.now();
  let decided = false;
  return new Promise<HandlerResult>((resolve) => {
    settled.then((result) => {
      if (decided) return options.onLate(message, result, performance.now() - started);
      decided = true;
      timer.abort();
      resolve(result);
    });
    options.clock.sleep(timeoutMs, timer.signal).then(() => {
      if (decided) return;
      decided = true;
      const timedOut = new HandlerTimeoutError(timeoutMs);
      message.abort(timedOut);
      resolve({ ok: false, timedOut });
    });
  });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
