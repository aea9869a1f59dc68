import type { Connector, RawMessage } from "../connector.js";
import type { HostCall, HostedRole, WireMessage } from "./ipc-messages.js";

/** Sends one call to the parent's connector host; `onAbort` cancels a waiting poll. */
export type CallParent = (call: HostCall, signal?: AbortSignal) => Promise<unknown>;

/**
 * Worker side of a connector hosted in the parent: every contract call goes over IPC to the
 * parent's instance, so all workers share the parent's queue.
 */
export class RemoteConnector implements Connector {
  private handle: Promise<number> | undefined;
  private readonly wireIds = new WeakMap<RawMessage, number>();

  constructor(
    private readonly callParent: CallParent,
    private readonly queueName: string,
    private readonly role: HostedRole,
  ) {}

  async start(): Promise<void> {
    await this.callParent({ method: "start", handle: await this.opened() });
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const handle = await this.opened();
    const wire = (await this.callParent({ method: "getMessages", handle, maxChunkSize }, signal)) as
      | WireMessage[]
      | undefined;
    return (wire ?? []).map(({ id, ...message }) => {
      this.wireIds.set(message, id);
      return message;
    });
  }

  async sendMessage(message: RawMessage): Promise<void> {
    await this.callParent({ method: "sendMessage", handle: await this.opened(), message });
  }

  async ack(messages: RawMessage[]): Promise<void> {
    const ids = messages.flatMap((m) => {
      const id = this.wireIds.get(m);
      return id === undefined ? [] : [id];
    });
    await this.callParent({ method: "ack", handle: await this.opened(), ids });
  }

  async stop(): Promise<void> {
    if (this.handle === undefined) return;
    await this.callParent({ method: "stop", handle: await this.handle });
  }

  private opened(): Promise<number> {
    this.handle ??= this.callParent({
      method: "open",
      queueName: this.queueName,
      role: this.role,
    }) as Promise<number>;
    return this.handle;
  }
}
