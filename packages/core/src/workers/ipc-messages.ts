import type { RawMessage } from "../connector.js";
import type { RomewaysEventName } from "../events.js";
import type { QueueHealth } from "../health/health-types.js";
import type { PublishCall } from "../producer/publish-call.js";

/** An Error flattened for the IPC channel. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** A message a hosted connector delivered, with the id the worker acknowledges it by. */
export interface WireMessage extends RawMessage {
  id: number;
}

export type HostedRole = "consumer" | "dead-letter";

/** Calls a worker makes on a connector hosted in the parent. */
export type HostCall =
  | { method: "open"; queueName: string; role: HostedRole }
  | { method: "start"; handle: number }
  | { method: "getMessages"; handle: number; maxChunkSize: number }
  | { method: "sendMessage"; handle: number; message: RawMessage }
  | { method: "ack"; handle: number; ids: number[] }
  | { method: "stop"; handle: number };

/** Worker → parent. */
export type WorkerToParent =
  | { type: "ready" }
  | { type: "start-failed"; error: SerializedError }
  | { type: "event"; name: RomewaysEventName; payload: unknown }
  | { type: "call"; id: number; call: HostCall | PublishCall }
  | { type: "abort-call"; id: number }
  | { type: "health-report"; id: number; queues: QueueHealth[] }
  /** The worker took these messages (identities) of a connector it reaches itself... */
  | { type: "held"; queueName: string; ids: string[] }
  /** ...and acknowledged these. */
  | { type: "released"; queueName: string; ids: string[] };

/** Parent → worker. */
export type ParentToWorker =
  | { type: "stop" }
  | { type: "subscribe"; events: RomewaysEventName[] }
  | { type: "health-request"; id: number }
  /** Messages that crashed `maxWorkerCrashes` workers: settle them, never handle them. */
  | { type: "poison"; queueName: string; ids: string[] }
  | { type: "call-result"; id: number; ok: true; value: unknown }
  | { type: "call-result"; id: number; ok: false; error: SerializedError };

export function serializeError(error: Error): SerializedError {
  const serialized: SerializedError = { name: error.name, message: error.message };
  if (error.stack !== undefined) serialized.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") serialized.code = code;
  return serialized;
}

export function reviveError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.code !== undefined) Object.assign(error, { code: serialized.code });
  return error;
}

/** Events a worker forwards to its parent; app:* events stay in each process. */
export const forwardableEvents: readonly RomewaysEventName[] = [
  "connector:started",
  "connector:stopped",
  "connector:error",
  "connector:reconnected",
  "poll:overrun",
  "message:received",
  "message:handled",
  "message:resent",
  "message:dead-lettered",
  "message:failed",
  "message:discarded",
  "message:invalid",
  "message:outcome",
  "message:late",
  "message:published",
];

/** An event payload made safe for the channel: errors flattened, raw messages reduced to their data. */
export function eventToWire(payload: unknown): unknown {
  if (typeof payload !== "object" || payload === null) return payload;
  const wire: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
  if (wire.error instanceof Error) wire.error = serializeError(wire.error);
  if (isRecord(wire.raw)) wire.raw = rawData(wire.raw);
  if (isRecord(wire.message)) wire.message = messageData(wire.message);
  if (isRecord(wire.outcome)) wire.outcome = outcomeData(wire.outcome);
  return wire;
}

/** An `Outcome` for the channel: its error flattened, what it publishes reduced to its data. */
function outcomeData(outcome: Record<string, unknown>): unknown {
  const data: Record<string, unknown> = { ...outcome };
  if (data.error instanceof Error) data.error = serializeError(data.error);
  if (isRecord(data.resend)) data.resend = rawData(data.resend);
  if (isRecord(data.deadLetter)) data.deadLetter = rawData(data.deadLetter);
  return data;
}

/** A message's fields one by one: the decoded ones are getters, which a spread skips. */
function messageData(message: Record<string, unknown>): unknown {
  const { queueName, payload, payloadValue, rwResendTimes, raw } = message;
  return { queueName, payload, payloadValue, rwResendTimes, raw: rawData(raw) };
}

function rawData(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const { body, key, headers } = raw;
  return { body, key, headers };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The parent's view of a forwarded payload: errors become `Error`s again. */
export function eventFromWire(payload: unknown): unknown {
  if (!isRecord(payload)) return payload;
  const revived = withErrorRevived(payload);
  return isRecord(revived.outcome)
    ? { ...revived, outcome: withErrorRevived(revived.outcome) }
    : revived;
}

function withErrorRevived(record: Record<string, unknown>): Record<string, unknown> {
  const error = record.error;
  if (isRecord(error) && typeof error.message === "string" && typeof error.name === "string") {
    return { ...record, error: reviveError(error as { name: string; message: string }) };
  }
  return record;
}
