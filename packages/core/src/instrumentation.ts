import type { RawMessage } from "./connector.js";
import { toError } from "./errors/index.js";
import type { QueueRef } from "./events.js";
import type { Handler } from "./handler-call.js";
import type { Logger } from "./logger.js";
import type { Message } from "./message.js";
import type { Romeways } from "./registration.js";

/** Why core sends a message: a producer's publish, a resend, or a dead letter. */
export type SendKind = "publish" | "resend" | "dead-letter";

/** A message core is about to send, for an instrumentation to add headers to. */
export interface OutgoingMessage extends QueueRef {
  /** The queue it goes to is `queueName` (for a dead letter: the dead-letter queue). */
  readonly kind: SendKind;
  /** The message's own headers object: what is added here is sent. */
  readonly headers: Record<string, string>;
  /** The delivered message it comes from: set for a resend and a dead letter. */
  readonly source: Message | undefined;
}

/**
 * Hooks for tracing and metrics libraries such as `@romeways/opentelemetry`, passed as
 * `createRomeways({ instrumentation })`. Every hook is optional; without an instrumentation
 * core does no work for it per message (the handler is not wrapped, no hook is looked up).
 * A hook that throws is logged and changes nothing for the message.
 */
export interface Instrumentation {
  /** Called once by `createRomeways`, with the app: subscribe to its events here. */
  attach?(app: Romeways): void;
  /**
   * Wraps a queue's handler, once per queue when `start()` builds its poll loop (in each
   * process that runs the queue). Return the handler itself to change nothing. The wrapper
   * runs where the handler runs, so a context it makes active (a span) is active in it.
   */
  wrapHandler?(handler: Handler, ref: QueueRef): Handler;
  /** A poll took these messages (a chunk), before any of them is handled. */
  received?(chunk: readonly RawMessage[], ref: QueueRef): void;
  /** Core is about to send a message (publish, resend, dead letter): add headers to it. */
  sending?(outgoing: OutgoingMessage): void;
}

/**
 * The app's instrumentation with each hook made safe: what throws is logged, not thrown into
 * the poll loop. Undefined when none is given, which is what the per-message paths test.
 */
export function guardInstrumentation(
  instrumentation: Instrumentation | undefined,
  logger: Logger,
): Instrumentation | undefined {
  if (instrumentation === undefined) return undefined;
  const report = (hook: string, error: unknown) =>
    logger.error(
      { hook, error: toError(error) },
      `the instrumentation's ${hook}() threw: ${toError(error).message}`,
    );
  const guarded: Instrumentation = {};
  const { wrapHandler, received, sending } = instrumentation;
  if (wrapHandler !== undefined) {
    guarded.wrapHandler = (handler, ref) => {
      try {
        return wrapHandler.call(instrumentation, handler, ref);
      } catch (error) {
        report("wrapHandler", error);
        return handler;
      }
    };
  }
  if (received !== undefined) {
    guarded.received = (chunk, ref) => {
      try {
        received.call(instrumentation, chunk, ref);
      } catch (error) {
        report("received", error);
      }
    };
  }
  if (sending !== undefined) {
    guarded.sending = (outgoing) => {
      try {
        sending.call(instrumentation, outgoing);
      } catch (error) {
        report("sending", error);
      }
    };
  }
  return guarded;
}

/**
 * Lets the instrumentation add headers to `message` before core sends it. The headers become
 * an object of the message's own first, so no other message's headers change with them.
 */
export function instrumentSend(
  instrumentation: Instrumentation | undefined,
  message: RawMessage,
  kind: SendKind,
  destination: QueueRef,
  source?: Message,
): void {
  if (instrumentation?.sending === undefined) return;
  const headers: Record<string, string> = { ...message.headers };
  message.headers = headers;
  // Fields spelt out: `{ ...destination, more }` costs microseconds a call on Node 20.
  const { connectorName, queueName } = destination;
  instrumentation.sending({ connectorName, queueName, kind, headers, source });
}
