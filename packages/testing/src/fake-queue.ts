import type { RawMessage } from "@romeways/core";

type Waiter = {
  owner: object;
  maxChunkSize: number;
  resolve: (messages: RawMessage[]) => void;
};

/**
 * One queue of a `FakeBroker`: messages waiting, messages taken and not yet acknowledged
 * (by owner), and a log of everything connectors sent here. Taken messages stay in the
 * queue's keeping until acknowledged, so a stop or restart of the consumer redelivers them.
 */
export class FakeQueue {
  private waitingMessages: RawMessage[] = [];
  private readonly inFlight = new Map<RawMessage, object>();
  private readonly waiters: Waiter[] = [];
  private readonly sentMessages: RawMessage[] = [];

  constructor(
    readonly name: string,
    private readonly onChange: () => void,
  ) {}

  /** Messages waiting to be taken, oldest first. */
  get waiting(): readonly RawMessage[] {
    return this.waitingMessages;
  }

  /** Messages taken by a consumer and not acknowledged yet. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Everything connectors sent here with `sendMessage` (resends, dead letters), oldest first. */
  get sent(): readonly RawMessage[] {
    return this.sentMessages;
  }

  /** Adds a message as a producer outside the app would; not recorded in `sent`. */
  publish(message: RawMessage): void {
    this.enqueue(copyOf(message));
  }

  /** A connector's `sendMessage`: recorded in `sent`, then queued. */
  send(message: RawMessage): void {
    const copy = copyOf(message);
    this.sentMessages.push(copy);
    this.enqueue(copy);
  }

  /** Up to `maxChunkSize` messages; waits for the first one, and returns [] once `signal` aborts. */
  take(maxChunkSize: number, signal: AbortSignal, owner: object): Promise<RawMessage[]> {
    if (this.waitingMessages.length > 0) return Promise.resolve(this.takeNow(maxChunkSize, owner));
    if (signal.aborted) return Promise.resolve([]);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        owner,
        maxChunkSize,
        resolve: (messages) => {
          signal.removeEventListener("abort", onAbort);
          resolve(messages);
        },
      };
      const onAbort = () => {
        this.removeWaiter(waiter);
        resolve([]);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Forgets acknowledged messages; acknowledging what `owner` was not given is a bug, so it throws. */
  ack(messages: RawMessage[], owner: object): void {
    for (const message of messages) {
      if (this.inFlight.get(message) !== owner) {
        throw new Error(
          `FakeConnector: acknowledged a message of queue "${this.name}" that this connector did not deliver, or acknowledged it twice`,
        );
      }
    }
    for (const message of messages) this.inFlight.delete(message);
    if (messages.length > 0) this.onChange();
  }

  /** Ends `owner`'s waiting polls and puts what it took back at the front, in order. */
  release(owner: object): void {
    for (const waiter of this.waiters.filter((w) => w.owner === owner)) {
      this.removeWaiter(waiter);
      waiter.resolve([]);
    }
    const returned = [...this.inFlight].filter(([, by]) => by === owner).map(([m]) => m);
    if (returned.length === 0) return;
    for (const message of returned) this.inFlight.delete(message);
    this.waitingMessages = [...returned, ...this.waitingMessages];
    this.onChange();
    this.wakeWaiters();
  }

  private enqueue(message: RawMessage): void {
    this.waitingMessages.push(message);
    this.onChange();
    this.wakeWaiters();
  }

  private takeNow(maxChunkSize: number, owner: object): RawMessage[] {
    const chunk = this.waitingMessages.splice(0, maxChunkSize);
    for (const message of chunk) this.inFlight.set(message, owner);
    this.onChange();
    return chunk;
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.waitingMessages.length > 0) {
      const waiter = this.waiters.shift() as Waiter;
      waiter.resolve(this.takeNow(waiter.maxChunkSize, waiter.owner));
    }
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}

// A broker keeps its own copy: a sender reusing its buffer must not change what was sent.
function copyOf(message: RawMessage): RawMessage {
  const copy: RawMessage = { body: message.body === null ? null : message.body.slice() };
  if (message.key !== undefined) {
    copy.key = typeof message.key === "string" ? message.key : message.key.slice();
  }
  if (message.headers !== undefined) copy.headers = { ...message.headers };
  return copy;
}
