import type { RawMessage } from "@romeways/core";

/** What `put` accepts besides the body. */
export interface PutOptions {
  key?: Uint8Array | string;
  headers?: Record<string, string>;
}

type Waiter = {
  maxChunkSize: number;
  resolve: (messages: RawMessage[]) => void;
};

const textEncoder = new TextEncoder();
const named = new Map<string, MemoryQueue>();

/**
 * A FIFO queue in this process (Python romeways' `multiprocessing.Queue`). Producers `put`;
 * the memory connector takes messages in chunks and puts back what was never acknowledged.
 */
export class MemoryQueue {
  // A deque as array + head index: taking from the front stays O(1).
  private items: RawMessage[] = [];
  private head = 0;
  private readonly waiters: Waiter[] = [];

  /** The queue registered under `name` in this process, created on first use. */
  static named(name: string): MemoryQueue {
    let queue = named.get(name);
    if (queue === undefined) {
      queue = new MemoryQueue();
      named.set(name, queue);
    }
    return queue;
  }

  /** Messages waiting to be taken. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds a message; a string is stored as its UTF-8 bytes. */
  put(body: string | Uint8Array, options: PutOptions = {}): void {
    if (typeof body !== "string" && !(body instanceof Uint8Array)) {
      throw new TypeError(`MemoryQueue.put takes a string or a Uint8Array, got ${typeof body}`);
    }
    const message: RawMessage = {
      body: typeof body === "string" ? textEncoder.encode(body) : body,
    };
    if (options.key !== undefined) message.key = options.key;
    if (options.headers !== undefined) message.headers = options.headers;
    this.putRaw(message);
  }

  /** Adds a message as a connector sent it (body may be null). */
  putRaw(message: RawMessage): void {
    this.items.push(message);
    this.wakeWaiters();
  }

  /** Puts messages back at the front, in their order, ahead of everything waiting. */
  putBack(messages: RawMessage[]): void {
    if (messages.length === 0) return;
    this.items = [...messages, ...this.items.slice(this.head)];
    this.head = 0;
    this.wakeWaiters();
  }

  /** Up to `maxChunkSize` messages; waits for the first one, and returns [] once `signal` aborts. */
  take(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    if (this.size > 0) return Promise.resolve(this.takeNow(maxChunkSize));
    if (signal.aborted) return Promise.resolve([]);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        maxChunkSize,
        resolve: (messages) => {
          signal.removeEventListener("abort", onAbort);
          resolve(messages);
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve([]);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private takeNow(maxChunkSize: number): RawMessage[] {
    const end = Math.min(this.items.length, this.head + maxChunkSize);
    const chunk = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return chunk;
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.size > 0) {
      const waiter = this.waiters.shift() as Waiter;
      waiter.resolve(this.takeNow(waiter.maxChunkSize));
    }
  }
}
