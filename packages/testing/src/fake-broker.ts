import type { RawMessage } from "@romeways/core";
import { FakeQueue } from "./fake-queue.js";

/**
 * The fake connector's "broker": queues by name, kept in memory. Everything a connector took
 * and did not acknowledge stays here, so a new connector instance on the same broker gets it
 * again. Pass one to `FakeConnector` (config `broker`) to isolate a test; otherwise the
 * connectors share `FakeBroker.shared`.
 */
export class FakeBroker {
  /** The broker of every fake connector configured without one. */
  static readonly shared = new FakeBroker();

  private readonly queues = new Map<string, FakeQueue>();
  private readonly listeners = new Set<() => void>();

  /** The queue named `queueName`, created empty on first use. */
  queue(queueName: string): FakeQueue {
    let queue = this.queues.get(queueName);
    if (queue === undefined) {
      queue = new FakeQueue(queueName, () => this.notify());
      this.queues.set(queueName, queue);
    }
    return queue;
  }

  /** Names of the queues used so far. */
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  /** Puts a message on a queue as a producer outside the app would. */
  publish(queueName: string, message: RawMessage): void {
    this.queue(queueName).publish(message);
  }

  /** Everything connectors sent to `queueName` (resends, dead letters), oldest first. */
  sent(queueName: string): readonly RawMessage[] {
    return this.queues.get(queueName)?.sent ?? [];
  }

  /** Calls `listener` after any queue changed (a message queued, taken, acknowledged, returned). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
