import type { RomewaysEmitter, RomewaysEventName } from "../events.js";
import type { QueueHealth } from "../health/health-types.js";
import type { PublishCall } from "../producer/publish-call.js";
import {
  eventToWire,
  forwardableEvents,
  type HostCall,
  type ParentToWorker,
  reviveError,
  type WorkerToParent,
} from "./ipc-messages.js";
import { workerEventsEnvKey, workerPoisonEnvKey } from "./worker-env.js";

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The worker's end of the IPC channel: forwards the events the parent listens to, makes
 * calls on connectors hosted in the parent, and stops the worker when the parent asks or
 * when the parent is gone.
 */
export class WorkerChannel {
  private readonly pending = new Map<number, PendingCall>();
  private readonly forwarders = new Map<RomewaysEventName, (payload: unknown) => void>();
  private nextCallId = 1;
  private readonly poison = new Map<string, Set<string>>();
  /** This worker's queues, for the parent's `health()`; set by the worker's app. */
  healthOf: (() => QueueHealth[]) | undefined;

  constructor(
    private readonly events: RomewaysEmitter,
    private readonly stopWorker: () => Promise<void>,
  ) {
    process.on("message", (message: ParentToWorker) => this.receive(message));
    this.addPoison(JSON.parse(process.env[workerPoisonEnvKey] ?? "{}") as Record<string, string[]>);
    const initial = process.env[workerEventsEnvKey];
    if (initial !== undefined && initial.length > 0) {
      this.subscribe(initial.split(",") as RomewaysEventName[]);
    }
    // The parent died or closed the channel: drain and leave, never linger as an orphan.
    process.once("disconnect", () => {
      for (const call of this.pending.values())
        call.reject(new Error("the romeways parent process is gone"));
      this.pending.clear();
      void this.stopAndExit();
    });
  }

  send(message: WorkerToParent): void {
    if (process.connected && process.send !== undefined) process.send(message);
  }

  /** Sends and resolves once the message left this process (the worker may exit next). */
  flush(message: WorkerToParent): Promise<void> {
    return new Promise((resolve) => {
      if (!process.connected || process.send === undefined) return resolve();
      process.send(message, undefined, {}, () => resolve());
    });
  }

  /** Calls the parent's connector host; aborting `signal` asks the parent to end a waiting poll. */
  callParent = (call: HostCall | PublishCall, signal?: AbortSignal): Promise<unknown> => {
    if (!process.connected) return Promise.reject(new Error("the romeways parent process is gone"));
    const id = this.nextCallId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.send({ type: "abort-call", id });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      this.send({ type: "call", id, call });
      // An abort before the call (its listener never fires then) must reach the parent too.
      if (signal?.aborted === true) onAbort();
    });
  };

  private receive(message: ParentToWorker): void {
    switch (message.type) {
      case "stop":
        void this.stopAndExit();
        return;
      case "subscribe":
        this.subscribe(message.events);
        return;
      case "poison":
        this.addPoison({ [message.queueName]: message.ids });
        return;
      case "health-request":
        this.send({ type: "health-report", id: message.id, queues: this.healthOf?.() ?? [] });
        return;
      case "call-result": {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) call?.resolve(message.value);
        else call?.reject(reviveError(message.error));
        return;
      }
    }
  }

  /** Whether the parent declared this message of `queueName` poison. */
  isPoison(queueName: string, identity: string): boolean {
    return this.poison.get(queueName)?.has(identity) === true;
  }

  private addPoison(byQueue: Record<string, string[]>): void {
    for (const [queueName, ids] of Object.entries(byQueue)) {
      let set = this.poison.get(queueName);
      if (set === undefined) {
        set = new Set();
        this.poison.set(queueName, set);
      }
      for (const id of ids) set.add(id);
    }
  }

  private subscribe(names: RomewaysEventName[]): void {
    const wanted = new Set(names.filter((name) => forwardableEvents.includes(name)));
    for (const [name, forward] of this.forwarders) {
      if (wanted.has(name)) continue;
      this.events.off(name, forward);
      this.forwarders.delete(name);
    }
    for (const name of wanted) {
      if (this.forwarders.has(name)) continue;
      const forward = (payload: unknown) =>
        this.send({ type: "event", name, payload: eventToWire(payload) });
      this.forwarders.set(name, forward);
      this.events.on(name, forward);
    }
  }

  private stopping: Promise<void> | undefined;
  private stopAndExit(): Promise<void> {
    this.stopping ??= this.stopWorker().finally(() => process.exit(0));
    return this.stopping;
  }
}
