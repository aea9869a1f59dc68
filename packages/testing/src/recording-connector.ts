import type {
  Connector,
  ConnectorClass,
  ConnectorConfig,
  ConnectorContext,
  QueueConfig,
  RawMessage,
} from "@romeways/core";

/** One call a `RecordingConnector` saw, with what it returned or threw once it settled. */
export type ConnectorCall = {
  queueName: string;
  /** Which instance made the call, numbered from 1 in the order they were built. */
  instance: number;
  /** Set once the call settled. */
  settled?: "resolved" | "rejected";
  error?: unknown;
} & (
  | { method: "start" }
  | { method: "getMessages"; maxChunkSize: number; aborted?: boolean; messages?: RawMessage[] }
  | { method: "sendMessage"; message: RawMessage }
  | { method: "ack"; messages: RawMessage[] }
  | { method: "stop" }
);

let instances = 0;

/**
 * A connector that passes every call to `inner` and logs it in `calls`: what core (or a test)
 * asked of a connector, in order, and how each call ended.
 */
export class RecordingConnector implements Connector {
  readonly instance = ++instances;

  constructor(
    readonly inner: Connector,
    readonly queueName: string,
    readonly calls: ConnectorCall[] = [],
  ) {}

  start(): Promise<void> {
    return this.settle(this.begin({ method: "start" }), () => this.inner.start());
  }

  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const call = this.begin({ method: "getMessages", maxChunkSize } as GetMessagesCall);
    return this.settle(call, async () => {
      const messages = await this.inner.getMessages(maxChunkSize, signal);
      call.messages = messages;
      call.aborted = signal.aborted;
      return messages;
    });
  }

  sendMessage(message: RawMessage): Promise<void> {
    const call = this.begin({ method: "sendMessage", message });
    return this.settle(call, () => this.inner.sendMessage(message));
  }

  ack(messages: RawMessage[]): Promise<void> {
    const call = this.begin({ method: "ack", messages: [...messages] });
    return this.settle(call, () => this.inner.ack(messages));
  }

  stop(): Promise<void> {
    return this.settle(this.begin({ method: "stop" }), () => this.inner.stop());
  }

  private begin<T extends CallInput>(input: T): T & CallBase {
    const call = { ...input, queueName: this.queueName, instance: this.instance };
    this.calls.push(call as ConnectorCall);
    return call;
  }

  private async settle<T>(call: CallBase, run: () => Promise<T>): Promise<T> {
    try {
      const value = await run();
      call.settled = "resolved";
      return value;
    } catch (error) {
      call.settled = "rejected";
      call.error = error;
      throw error;
    }
  }
}

type CallBase = Pick<ConnectorCall, "queueName" | "instance" | "settled" | "error">;
type CallInput = ConnectorCall extends infer C
  ? C extends unknown
    ? Omit<C, keyof CallBase>
    : never
  : never;
type GetMessagesCall = Extract<CallInput, { method: "getMessages" }>;

/**
 * A subclass-free recorder for a connector class: register the returned `Connector` with an
 * app in place of yours, and read every call of every instance core built in `calls`.
 */
export function recordConnectorClass<C extends ConnectorConfig, Q extends QueueConfig>(
  Inner: ConnectorClass<C, Q>,
): { Connector: ConnectorClass<C, Q>; calls: ConnectorCall[] } {
  const calls: ConnectorCall[] = [];
  class Recorded extends RecordingConnector {
    // Workers reach the parent's instances when the recorded class keeps its state in the parent.
    static readonly hostedInParent = Inner.hostedInParent;
    constructor(config: C, queueConfig: Q, queueName: string, context: ConnectorContext) {
      super(new Inner(config, queueConfig, queueName, context), queueName, calls);
    }
  }
  return { Connector: Recorded, calls };
}
