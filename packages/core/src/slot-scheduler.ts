import type { RawMessage } from "./connector.js";

/** Runs one message to its final outcome; undefined when that was final at once. */
export type RunMessage = (raw: RawMessage) => PromiseLike<void> | undefined;

interface Lane {
  /** Messages of this key behind the one running (or about to run), in arrival order. */
  waiting: RawMessage[];
}

/**
 * Handler slots of one queue (`concurrency`), fed continuously by the poll loop. With
 * `ordering: "key"`, one message per key runs at a time, in arrival order, while other keys
 * run beside it. Everything taken and not started counts against the buffer, so the loop polls
 * only while there is room: back-pressure on the connector.
 */
export class SlotScheduler {
  private running = 0;
  private buffered = 0;
  /** Messages whose lane is free, in arrival order. */
  private readonly runnable: { raw: RawMessage; lane: string | undefined }[] = [];
  private readonly lanes = new Map<string, Lane>();
  private roomWaiter: (() => void) | undefined;
  private idleWaiter: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly concurrency: number,
    /** Most messages taken and not finished, running ones included. */
    private readonly bufferLimit: number,
    /** Room the loop waits for before it polls again: a poll of one message at a time costs. */
    private readonly pollSize: number,
    private readonly laneOf: (raw: RawMessage) => string | undefined,
    private readonly run: RunMessage,
  ) {}

  /** How many more messages the loop may take now. */
  get room(): number {
    return this.closed ? 0 : Math.max(0, this.bufferLimit - this.running - this.buffered);
  }

  get inFlight(): number {
    return this.running;
  }

  /** Resolves once there is room for a poll's worth of messages (or the scheduler closed). */
  whenRoom(): Promise<void> {
    if (this.hasRoomForPoll() || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.roomWaiter = resolve;
    });
  }

  add(chunk: RawMessage[]): void {
    for (const raw of chunk) {
      const lane = this.laneOf(raw);
      this.buffered++;
      const busy = lane === undefined ? undefined : this.lanes.get(lane);
      if (busy !== undefined) {
        busy.waiting.push(raw);
        continue;
      }
      if (lane !== undefined) this.lanes.set(lane, { waiting: [] });
      this.runnable.push({ raw, lane });
    }
    this.startWhatFits();
  }

  /**
   * Starts nothing more; what was taken and not started stays unacknowledged (delivered
   * again). Resolves once the running handlers finished.
   */
  close(): Promise<void> {
    this.closed = true;
    this.roomWaiter?.();
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiter = resolve;
    });
  }

  private hasRoomForPoll(): boolean {
    return this.room >= Math.min(this.pollSize, this.bufferLimit);
  }

  private startWhatFits(): void {
    while (!this.closed && this.running < this.concurrency) {
      const next = this.runnable.shift();
      if (next === undefined) return;
      this.buffered--;
      this.running++;
      let finishing: PromiseLike<void> | undefined;
      try {
        finishing = this.run(next.raw);
      } catch {
        // run() settles every outcome itself; a throw here is a bug, and must not wedge a slot.
      }
      if (finishing === undefined) this.finished(next.lane);
      else
        finishing.then(
          () => this.finished(next.lane),
          () => this.finished(next.lane),
        );
    }
  }

  private finished(laneKey: string | undefined): void {
    this.running--;
    if (laneKey !== undefined) {
      const lane = this.lanes.get(laneKey);
      const following = lane?.waiting.shift();
      if (following === undefined) this.lanes.delete(laneKey);
      else this.runnable.push({ raw: following, lane: laneKey });
    }
    if (this.closed) {
      if (this.running === 0) this.idleWaiter?.();
      return;
    }
    this.startWhatFits();
    if (this.roomWaiter !== undefined && this.hasRoomForPoll()) {
      const waiter = this.roomWaiter;
      this.roomWaiter = undefined;
      waiter();
    }
  }
}

/**
 * The lane of a message under `ordering: "key"`: its key; without one, its partition where
 * the connector reports partitions (a Kafka message's `partition`); else none (not ordered).
 */
export function keyLane(raw: RawMessage): string | undefined {
  const { key } = raw;
  if (typeof key === "string") return `k${key}`;
  if (key !== undefined)
    return `b${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1")}`;
  const partition = (raw as { partition?: unknown }).partition;
  return typeof partition === "number" ? `p${partition}` : undefined;
}
