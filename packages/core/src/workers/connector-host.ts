import type { Connector, ConnectorClass, ConnectorConfig, RawMessage } from "../connector.js";
import type { ConnectorContext } from "../connector-context.js";
import { RomewaysError } from "../errors/index.js";
import { deadLetterQueueConfig, type ResolvedQueueConfig } from "../queue-config.js";
import type { CrashedMessages, HeldMessage } from "./crashed-messages.js";
import type { HostCall, WireMessage } from "./ipc-messages.js";

interface HostedConnector {
  connector: Connector;
  queueName: string;
  role: "consumer" | "dead-letter";
  config: ResolvedQueueConfig;
  /** Delivered to the worker and not acknowledged yet, by wire id. */
  delivered: Map<number, RawMessage>;
}

/** What a host needs to build connectors the way the parent's app would. */
export interface HostedRegistration {
  connectorName: string;
  connector: ConnectorClass;
  config: ConnectorConfig;
  queues: ReadonlyMap<string, ResolvedQueueConfig>;
}

/**
 * Parent side of a connector whose state lives in the parent (`hostedInParent`, e.g. the
 * memory queue). One host per worker process: when the worker dies, `close()` stops its
 * connectors, which puts back every message it took and never acknowledged.
 */
export class ConnectorHost {
  private readonly hosted = new Map<number, HostedConnector>();
  private readonly pendingPolls = new Map<number, AbortController>();
  private nextHandle = 1;
  private nextMessageId = 1;
  private closed = false;

  constructor(
    private readonly registration: HostedRegistration,
    /** The context each hosted instance gets, as the parent's own instances do. */
    private readonly contextFor: (queueName: string) => ConnectorContext,
    /** Where the crashes of the worker are counted against the messages it held. */
    private readonly crashed?: CrashedMessages,
  ) {}

  /** What the worker holds: delivered to it by a consumer instance, not acknowledged. */
  heldMessages(): HeldMessage[] {
    return [...this.hosted.values()]
      .filter((hosted) => hosted.role === "consumer")
      .flatMap(({ queueName, delivered }) =>
        [...delivered.values()].map((raw) => ({ queueName, raw })),
      );
  }

  async serve(callId: number, call: HostCall): Promise<unknown> {
    if (this.closed)
      throw new RomewaysError("ROMEWAYS_WORKER_GONE", "the worker's connector host is closed");
    if (call.method === "open") return this.open(call.queueName, call.role);
    const hosted = this.hosted.get(call.handle);
    if (hosted === undefined)
      throw new RomewaysError("ROMEWAYS_WORKER_HANDLE", `no hosted connector ${call.handle}`);
    switch (call.method) {
      case "start":
        return hosted.connector.start();
      case "getMessages":
        return this.getMessages(callId, hosted, call.maxChunkSize);
      case "sendMessage":
        return hosted.connector.sendMessage(call.message);
      case "ack": {
        const messages = call.ids.flatMap((id) => {
          const message = hosted.delivered.get(id);
          hosted.delivered.delete(id);
          return message === undefined ? [] : [message];
        });
        return hosted.connector.ack(messages);
      }
      case "stop":
        this.hosted.delete(call.handle);
        return hosted.connector.stop();
    }
  }

  /** Lets a waiting poll of the worker return at once. */
  abort(callId: number): void {
    this.pendingPolls.get(callId)?.abort();
  }

  /** Stops every connector of this worker; what it did not acknowledge is delivered again. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.pendingPolls.values()) controller.abort();
    const hosted = [...this.hosted.values()];
    this.hosted.clear();
    await Promise.allSettled(hosted.map(({ connector }) => connector.stop()));
  }

  private open(queueName: string, role: "consumer" | "dead-letter"): number {
    const { connector: Connector, config, queues } = this.registration;
    const queueConfig =
      role === "consumer" ? queues.get(queueName) : this.deadLetterConfigFor(queueName);
    if (queueConfig === undefined) {
      throw new RomewaysError(
        "ROMEWAYS_WORKER_QUEUE",
        `the parent has no consumer for queue "${queueName}" on connector "${this.registration.connectorName}": register the same consumers in the parent and its workers`,
      );
    }
    const handle = this.nextHandle++;
    this.hosted.set(handle, {
      connector: new Connector(config, queueConfig, queueName, this.contextFor(queueName)),
      queueName,
      role,
      config: queueConfig,
      delivered: new Map(),
    });
    return handle;
  }

  /** Messages that crashed workers too often are settled here, never handed out again. */
  private withoutPoison(hosted: HostedConnector, taken: RawMessage[]): RawMessage[] {
    const { crashed } = this;
    if (crashed === undefined || hosted.role !== "consumer") return taken;
    const poison = taken.filter((raw) => crashed.isPoison(raw));
    if (poison.length === 0) return taken;
    for (const raw of poison) {
      void crashed.settle(hosted.queueName, hosted.config, raw, hosted.connector, () =>
        this.deadLetterFor(hosted),
      );
    }
    return taken.filter((raw) => !crashed.isPoison(raw));
  }

  private readonly deadLetters = new Map<string, Connector>();

  /** A never-started instance on the queue's dead-letter queue, as core sends dead letters. */
  private deadLetterFor(hosted: HostedConnector): Connector {
    const target = hosted.config.deadLetterQueue as string;
    let connector = this.deadLetters.get(target);
    if (connector === undefined) {
      const { connector: Connector, config } = this.registration;
      connector = new Connector(
        config,
        deadLetterQueueConfig(hosted.config),
        target,
        this.contextFor(target),
      );
      this.deadLetters.set(target, connector);
    }
    return connector;
  }

  private deadLetterConfigFor(queueName: string): ResolvedQueueConfig | undefined {
    for (const config of this.registration.queues.values()) {
      if (config.deadLetterQueue === queueName) return deadLetterQueueConfig(config);
    }
    return undefined;
  }

  private async getMessages(
    callId: number,
    hosted: HostedConnector,
    max: number,
  ): Promise<WireMessage[]> {
    const controller = new AbortController();
    this.pendingPolls.set(callId, controller);
    try {
      const taken = await hosted.connector.getMessages(max, controller.signal);
      const messages = this.withoutPoison(hosted, taken);
      return messages.map((message) => {
        const id = this.nextMessageId++;
        hosted.delivered.set(id, message);
        const wire: WireMessage = { id, body: message.body };
        if (message.key !== undefined) wire.key = message.key;
        if (message.headers !== undefined) wire.headers = message.headers;
        return wire;
      });
    } finally {
      this.pendingPolls.delete(callId);
    }
  }
}
