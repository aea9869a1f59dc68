import type { RawMessage } from "../connector.js";

/**
 * A worker's publish to a connector whose queues live in the parent (`hostedInParent`): the
 * parent sends it through its own instance. Names only travel, never the worker's queue
 * config: its objects (a `MemoryQueue`) are the worker's copies, not the parent's queues.
 */
export interface PublishCall {
  method: "publish";
  connectorName: string;
  queueName: string;
  message: RawMessage;
}

/** Sends a publish to the parent and resolves once the parent's connector has it. */
export type PublishToParent = (call: PublishCall) => Promise<unknown>;
