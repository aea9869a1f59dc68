import type { StandardSchemaV1 } from "@standard-schema/spec";
import { EventEmitter } from "eventemitter3";
import type { RawMessage } from "./connector.js";
import type { InvalidPayloadError } from "./errors/index.js";
import type { Message } from "./message.js";
import type { Outcome } from "./outcome.js";

/** Names the connector and queue an event is about. */
export interface QueueRef {
  connectorName: string;
  queueName: string;
}

export interface MessageEvent extends QueueRef {
  message: Message;
}

export interface MessageDoneEvent extends MessageEvent {
  /** Time the handler took, in milliseconds. */
  durationMs: number;
}

/** Why a message was dead-lettered: resent `maxResends` times, its handler failed, or timed out. */
export type DeadLetterReason =
  | "max-resends"
  | "failed"
  | "timeout"
  | "invalid"
  /** Worker processes holding it crashed `maxWorkerCrashes` times. */
  | "crashed"
  /** Its resend was refused for good by the broker (over the size limit, an unknown topic). */
  | "send-failed";

/** Where a connector call failed; `background`: reported by the connector through its context. */
export type ConnectorPhase =
  | "start"
  | "poll"
  | "send"
  | "ack"
  | "stop"
  | "background"
  /** The broker cannot be reached: reported through the context's `reportDisconnected`. */
  | "connection";

export interface WorkerRef {
  connectorName: string;
  /** 0-based index of the worker among the connector's workers. */
  workerIndex: number;
  pid: number;
}

/** Every event of `romeways.events`, with its payload. */
export interface RomewaysEvents {
  "app:started": [{ connectors: string[]; queues: string[]; isWorker: boolean }];
  "app:stopping": [{ reason: "stop" | "signal"; signal?: NodeJS.Signals }];
  "app:stopped": [{ drained: boolean }];
  "connector:started": [QueueRef];
  "connector:stopped": [QueueRef];
  "connector:error": [QueueRef & { phase: ConnectorPhase; error: Error }];
  /** The outage `reportDisconnected` began is over, after `downMs` milliseconds. */
  "connector:reconnected": [QueueRef & { downMs: number }];
  "poll:overrun": [QueueRef & { elapsedMs: number; frequencyMs: number }];
  "message:received": [MessageEvent];
  "message:handled": [MessageDoneEvent];
  "message:resent": [MessageDoneEvent & { error: Error; resendTimes: number; delayMs: number }];
  "message:dead-lettered": [
    MessageDoneEvent & { error: Error; reason: DeadLetterReason; deadLetterQueue: string },
  ];
  "message:failed": [MessageDoneEvent & { error: Error }];
  /** The payload did not decode or failed the queue's schema; its outcome follows (never a resend). */
  "message:invalid": [
    MessageEvent & { issues: readonly StandardSchemaV1.Issue[]; error: InvalidPayloadError },
  ];
  "message:discarded": [QueueRef & { raw: RawMessage; reason: "empty-body" }];
  /** Every outcome, as one `Outcome` value (the other message events are views of it). */
  "message:outcome": [
    QueueRef & {
      raw: RawMessage;
      /** Undefined for a discarded message, which no handler saw. */
      message: Message | undefined;
      outcome: Outcome;
      durationMs: number;
    },
  ];
  /** A handler settled after its deadline had decided the outcome: it changed nothing. */
  "message:late": [MessageDoneEvent & { error: Error | undefined }];
  /** `publish` (or a producer's) sent this message and the broker has it. */
  "message:published": [QueueRef & { raw: RawMessage }];
  "worker:started": [WorkerRef];
  "worker:exited": [WorkerRef & { code: number | null; signal: NodeJS.Signals | null }];
  "worker:restarted": [WorkerRef & { attempt: number; delayMs: number }];
}

export type RomewaysEventName = keyof RomewaysEvents;

type Listener<T extends RomewaysEventName> = EventEmitter.EventListener<RomewaysEvents, T>;

/**
 * The typed lifecycle emitter. A listener that throws is reported through `onListenerError`
 * and never breaks the poll loop that emitted, nor keeps the other listeners from running.
 * It also reports listener changes, so that worker processes forward only the events
 * somebody in the parent listens to.
 */
export class RomewaysEmitter extends EventEmitter<RomewaysEvents> {
  #listenersVersion = 0;
  /** Called when a listener throws; set by the app to log it. */
  onListenerError: ((event: RomewaysEventName, error: unknown) => void) | undefined;
  private readonly guarded = new WeakMap<object, Map<RomewaysEventName, GuardedListener>>();
  private readonly changeHooks = new Set<() => void>();

  /** Calls `hook` after listeners were added or removed; returns what removes the hook. */
  onListenersChanged(hook: () => void): () => void {
    this.changeHooks.add(hook);
    return () => this.changeHooks.delete(hook);
  }

  override on<T extends RomewaysEventName>(event: T, fn: Listener<T>, context?: unknown): this {
    super.on(event, this.guard(event, fn) as Listener<T>, context);
    this.listenersChanged();
    return this;
  }

  override addListener<T extends RomewaysEventName>(
    event: T,
    fn: Listener<T>,
    context?: unknown,
  ): this {
    return this.on(event, fn, context);
  }

  override once<T extends RomewaysEventName>(event: T, fn: Listener<T>, context?: unknown): this {
    super.once(event, this.guard(event, fn) as Listener<T>, context);
    this.listenersChanged();
    return this;
  }

  override removeListener<T extends RomewaysEventName>(
    event: T,
    fn?: Listener<T>,
    context?: unknown,
    once?: boolean,
  ): this {
    const registered = fn === undefined ? undefined : (this.guarded.get(fn)?.get(event) ?? fn);
    super.removeListener(event, registered as Listener<T> | undefined, context, once);
    this.listenersChanged();
    return this;
  }

  override off<T extends RomewaysEventName>(
    event: T,
    fn?: Listener<T>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.removeListener(event, fn, context, once);
  }

  override removeAllListeners(event?: RomewaysEventName): this {
    super.removeAllListeners(event);
    this.listenersChanged();
    return this;
  }

  /** Goes up whenever listeners are added or removed: the poll loop's check of its cached flags. */
  get listenersVersion(): number {
    return this.#listenersVersion;
  }

  private listenersChanged(): void {
    this.#listenersVersion++;
    for (const hook of this.changeHooks) hook();
  }

  private guard(event: RomewaysEventName, fn: object): GuardedListener {
    let byEvent = this.guarded.get(fn);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.guarded.set(fn, byEvent);
    }
    let wrapper = byEvent.get(event);
    if (wrapper === undefined) {
      const listener = fn as (...args: unknown[]) => unknown;
      const emitter = this;
      wrapper = function (this: unknown, ...args: unknown[]) {
        try {
          listener.apply(this, args);
        } catch (error) {
          emitter.onListenerError?.(event, error);
        }
      };
      byEvent.set(event, wrapper);
    }
    return wrapper;
  }
}

type GuardedListener = (...args: unknown[]) => void;
