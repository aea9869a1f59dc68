import type { ChildProcess } from "node:child_process";
import type { QueueHealth } from "../health/health-types.js";
import type { ParentToWorker } from "./ipc-messages.js";

/** The parent's pending health requests to its workers, answered by id. */
export class HealthRequests {
  private nextId = 1;
  private readonly pending = new Map<number, (queues: QueueHealth[] | undefined) => void>();

  /** The worker's queues, or undefined when it did not answer within `timeoutMs`. */
  ask(child: ChildProcess, timeoutMs: number): Promise<QueueHealth[] | undefined> {
    if (!child.connected) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined), timeoutMs);
      this.pending.set(id, (queues) => {
        clearTimeout(timer);
        resolve(queues);
      });
      const request: ParentToWorker = { type: "health-request", id };
      child.send(request, (error) => {
        if (error !== null) this.settle(id, undefined);
      });
    });
  }

  answer(id: number, queues: QueueHealth[]): void {
    this.settle(id, queues);
  }

  private settle(id: number, queues: QueueHealth[] | undefined): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(queues);
  }
}
