import { EventEmitter } from "eventemitter3";
import type { RawMessage } from "./connector.js";
import type { Message } from "./message.js";

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

export type DeadLetterReason = "max-resends" | "failed";

/** Where a connector call failed. */
export type ConnectorPhase = "start" | "poll" | "send" | "ack" | "stop";

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
  "poll:overrun": [QueueRef & { elapsedMs: number; frequencyMs: number }];
  "message:received": [MessageEvent];
  "message:handled": [MessageDoneEvent];
  "message:resent": [MessageDoneEvent & { error: Error; resendTimes: number }];
  "message:dead-lettered": [
    MessageDoneEvent & { error: Error; reason: DeadLetterReason; deadLetterQueue: string },
  ];
  "message:failed": [MessageDoneEvent & { error: Error }];
  "message:discarded": [QueueRef & { raw: RawMessage; reason: "empty-body" }];
  "worker:started": [WorkerRef];
  "worker:exited": [WorkerRef & { code: number | null; signal: NodeJS.Signals | null }];
  "worker:restarted": [WorkerRef & { attempt: number; delayMs: number }];
}

export type RomewaysEventName = keyof RomewaysEvents;

/** The typed lifecycle emitter. */
export class RomewaysEmitter extends EventEmitter<RomewaysEvents> {}
