import type { RawMessage } from "@romeways/core";
import type { KafkaRawMessage } from "./kafka-message.js";
import type { FetchedBatch } from "./kafkajs-client.js";
import { type CommitSource, OffsetCommitter } from "./offset-committer.js";

/** A fetched batch while kafkajs waits in `eachBatch` for it to settle. */
interface HeldBatch extends CommitSource {
  readonly batch: FetchedBatch;
  /** The bridge's generation when it was fetched; a revoke makes it stale. */
  readonly generation: number;
  /** Index of the first message not taken yet. */
  nextToTake: number;
  released: boolean;
  /** Something its settle loop waits for happened (its last take, a revoke, close). */
  changed: boolean;
  wake: (() => void) | undefined;
  /** Resolves once its settle loop ended, never rejects. */
  settled: Promise<void>;
}

interface TakeWaiter {
  maxChunkSize: number;
  resolve(messages: KafkaRawMessage[]): void;
}

const ignore = () => {};

// The batch a message came from rides on the message itself: a WeakMap entry per message
// cost more than the rest of the connector's per-message work.
const heldBy = Symbol("romeways.kafka.heldBy");
type Tagged = { [heldBy]?: HeldBatch | undefined };

/**
 * Bridges kafkajs's push (`eachBatch`) to romeways's pull (`getMessages`) with back-pressure.
 * A fetched batch waits here until the poll loop has taken all of its messages (heartbeating
 * meanwhile), then settles, so kafkajs fetches the partition's next batch while the taken
 * messages are still being handled: one slow or held message stalls no fetch. What is fetched
 * ahead is bounded by kafkajs's one fetch in flight per broker and by how much the poll loop
 * takes (core's bounded buffer). Offsets commit as acknowledged prefixes per partition, from
 * acks that may come long after their batch settled; while anything taken is unacknowledged,
 * a keeper heartbeats, so handlers slower than the session timeout keep the membership.
 *
 * A rebalance (a heartbeat refused for the generation, a new group join, kafkajs stopping)
 * revokes everything handed out before: kafkajs fetches it again from the last commit, and
 * none of it is committed by this consumer any more. A lost connection is no rebalance: the
 * acknowledgements stay and are committed once the broker answers again in this generation.
 */
export class BatchBridge {
  private generation = 0;
  /** Partitions assigned at the last group join; undefined before the first. */
  private assigned: ReadonlySet<number> | undefined;
  private readonly held = new Set<HeldBatch>();
  /** Held batches with messages not taken yet, in fetch order. */
  private ready: HeldBatch[] = [];
  private waiters: TakeWaiter[] = [];
  /** Owns the offsets: the bridge tells it what was fetched and acknowledged, nothing more. */
  private readonly committer: OffsetCommitter<HeldBatch>;
  private closing = false;
  /** Taken in this generation and not acknowledged yet. */
  private outstanding = 0;
  /** Bytes (bodies and keys) of the outstanding messages. */
  private bytesOutstanding = 0;
  /** The newest batch's heartbeat: the keeper's way to the group coordinator. */
  private heartbeatOf: FetchedBatch | undefined;
  /** The last heartbeat found no broker: commit what is owed once one answers. */
  private connectionLost = false;
  private readonly keeper: ReturnType<typeof setInterval>;
  /** Per partition, from its newest batch: the high watermark and the batch's last offset. */
  private readonly positions = new Map<number, { highWatermark: string; last: string }>();

  /**
   * @param tickMs how often a waiting batch heartbeats and checks that kafkajs still runs
   * @param commitIntervalMs least time between the starts of two offset commits
   * @param maxBytesInFlight a batch taken in full settles (lets kafkajs fetch on) only while
   *   the taken, unacknowledged messages hold at most this many bytes
   */
  constructor(
    private readonly tickMs: number,
    commitIntervalMs = 0,
    private readonly maxBytesInFlight = Number.POSITIVE_INFINITY,
  ) {
    this.committer = new OffsetCommitter((held) => this.isCurrent(held), commitIntervalMs);
    this.keeper = setInterval(() => void this.keepAlive(), tickMs);
    this.keeper.unref();
  }

  /** Called from `eachBatch`: resolves once the batch is settled, rejects to make kafkajs rejoin. */
  async hold(batch: FetchedBatch): Promise<void> {
    if (this.closing || batch.messages.length === 0 || !this.owns(batch.partition)) return;
    const held: HeldBatch = {
      batch,
      generation: this.generation,
      nextToTake: 0,
      released: false,
      changed: false,
      wake: undefined,
      settled: Promise.resolve(),
    };
    for (const message of batch.messages) (message as Tagged)[heldBy] = held;
    this.committer.track(batch.partition, batch.messages);
    this.positions.set(batch.partition, {
      highWatermark: batch.highWatermark,
      last: lastOffsetOf(batch),
    });
    this.held.add(held);
    this.heartbeatOf = batch;
    this.ready.push(held);
    this.serveWaiters();
    const settling = this.settle(held);
    held.settled = settling.then(ignore, ignore);
    try {
      await settling;
    } finally {
      this.held.delete(held);
    }
  }

  /** Up to `maxChunkSize` messages; waits for the first, returns [] once `signal` aborts. */
  take(maxChunkSize: number, signal: AbortSignal): Promise<KafkaRawMessage[]> {
    if (this.closing || signal.aborted) return Promise.resolve([]);
    const chunk = this.takeNow(maxChunkSize);
    if (chunk.length > 0) return Promise.resolve(chunk);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        resolve([]);
      };
      const entry: TakeWaiter = {
        maxChunkSize,
        resolve: (messages) => {
          signal.removeEventListener("abort", onAbort);
          resolve(messages);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(entry);
    });
  }

  /** The outcome of these messages is final; their offsets may be committed. */
  ack(messages: readonly RawMessage[]): void {
    const wasOver = this.bytesOutstanding > this.maxBytesInFlight;
    const touched = new Set<HeldBatch>();
    // Messages come in runs from one batch: its check is made once per run.
    let last: HeldBatch | undefined;
    let lastIsCurrent = false;
    for (const message of messages) {
      const held = (message as Tagged)[heldBy];
      if (held === undefined) continue;
      (message as Tagged)[heldBy] = undefined;
      if (held !== last) {
        last = held;
        lastIsCurrent = this.isCurrent(held);
      }
      // A revoked message is fetched again by whoever owns its partition now.
      if (!lastIsCurrent) continue;
      this.committer.ack(held.batch.partition, (message as KafkaRawMessage).offset);
      this.outstanding--;
      this.bytesOutstanding -= bytesOf(message);
      touched.add(held);
    }
    // Straight to the committer: a batch's settle loop waits for takes, not for acks (waking it
    // per ack cost a timer and a heartbeat check per message).
    for (const held of touched) this.committer.request(held);
    // Except for batches held back for room: they go on as soon as there is some.
    if (wasOver && this.bytesOutstanding <= this.maxBytesInFlight) {
      for (const held of this.held) this.notify(held);
    }
  }

  /** The group was (re)joined: only `partitions` are ours now, and kafkajs refetches them. */
  groupJoined(partitions: readonly number[]): void {
    this.assigned = new Set(partitions);
    for (const partition of this.positions.keys()) {
      if (!this.assigned.has(partition)) this.positions.delete(partition);
    }
    this.revoke();
  }

  /**
   * Messages of the assigned partitions not acknowledged yet: fetched and pending, plus those
   * behind the newest fetch as of its high watermark. Undefined before the first fetch.
   */
  lag(): number | undefined {
    if (this.positions.size === 0) return undefined;
    let lag = 0n;
    for (const [partition, { highWatermark, last }] of this.positions) {
      const behind = BigInt(highWatermark) - BigInt(last) - 1n;
      lag += (behind > 0n ? behind : 0n) + BigInt(this.committer.pendingCount(partition));
    }
    return Number(lag);
  }

  /** A rebalance starts: commit what is acknowledged now, while this generation still may. */
  rebalancing(): void {
    void this.committer.commitOwed();
  }

  /** Everything handed out so far will be fetched again: forget it and commit none of it. */
  revoke(): void {
    this.generation++;
    this.outstanding = 0;
    this.bytesOutstanding = 0;
    this.connectionLost = false;
    this.committer.forget();
    this.ready = [];
    for (const held of this.held) this.notify(held);
  }

  /** Ends every waiting `take` with [] (the poll loop polls again). */
  interruptTakes(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve([]);
  }

  /** Hands out nothing more, commits what was acknowledged and lets every held batch go. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keeper);
    this.interruptTakes();
    this.ready = [];
    for (const held of this.held) this.notify(held);
    await Promise.all([...this.held].map((held) => held.settled));
    await this.committer.flush();
  }

  private async settle(held: HeldBatch): Promise<void> {
    const { batch } = held;
    try {
      for (;;) {
        if (!this.isCurrent(held)) return;
        if (!batch.isActive()) {
          // kafkajs is stopping this consumer (crash) and will fetch again from the commit.
          if (!this.closing) this.revoke();
          return;
        }
        // Over maxBytesInFlight, a batch taken in full waits (heartbeating) for acks to make room.
        if (
          held.nextToTake === batch.messages.length &&
          this.bytesOutstanding <= this.maxBytesInFlight
        ) {
          // Settles once all of it is taken: kafkajs fetches the partition's next batch while
          // this one is handled and committed. The fetch position moves past the taken
          // messages; only a revoke (which refetches from the commit) brings them back.
          held.released = true;
          batch.resolveOffset(lastOffsetOf(batch));
          this.committer.request(held);
          return;
        }
        // The acknowledged prefix so far, committed while the rest waits to be taken.
        this.committer.request(held);
        if (this.closing) return;
        try {
          this.noteReachable(await batch.heartbeat());
        } catch (error) {
          // A rebalance starting: this generation may still commit what is done.
          await this.committer.commitNow(held).catch(ignore);
          throw error;
        }
        await this.nextChangeOrTick(held);
      }
    } catch (error) {
      // kafkajs rejoins or refetches on this error, from the last commit.
      if (this.isCurrent(held)) this.revoke();
      throw error;
    }
  }

  /** While taken messages are outstanding, nothing else may heartbeat for a while. */
  private async keepAlive(): Promise<void> {
    const batch = this.heartbeatOf;
    if (batch === undefined || this.closing) return;
    if (this.outstanding === 0 && !this.connectionLost && !this.committer.failed) return;
    try {
      this.noteReachable(await batch.heartbeat());
    } catch {
      // The group is rebalancing or forgot us: what is done may still land in this generation.
      // No revoke here: kafkajs meets the same answer, rejoins and refetches from the commit,
      // and the join revokes. Revoking first would let batches it fetches meanwhile commit
      // past messages that are still being handled.
      await this.committer.commitOwed();
    }
  }

  private noteReachable(reachable: boolean): void {
    if (!reachable) {
      this.connectionLost = true;
      return;
    }
    if (!this.connectionLost && !this.committer.failed) return;
    // Back in the same generation: the acknowledgements of the outage may be committed now.
    this.connectionLost = false;
    void this.committer.commitOwed();
  }

  private nextChangeOrTick(held: HeldBatch): Promise<void> {
    if (held.changed) {
      held.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => held.wake?.(), this.tickMs);
      held.wake = () => {
        clearTimeout(timer);
        held.wake = undefined;
        held.changed = false;
        resolve();
      };
    });
  }

  private notify(held: HeldBatch): void {
    held.changed = true;
    held.wake?.();
  }

  private isCurrent(held: HeldBatch): boolean {
    return held.generation === this.generation && this.owns(held.batch.partition);
  }

  private owns(partition: number): boolean {
    return this.assigned === undefined || this.assigned.has(partition);
  }

  /**
   * Takes from every ready batch (one per partition with `partitionsConsumedConcurrently`) a
   * fair share, in offset order within each: per-key concurrency then sees the keys of every
   * partition instead of one partition's batch after another.
   */
  private takeNow(maxChunkSize: number): KafkaRawMessage[] {
    const chunk: KafkaRawMessage[] = [];
    while (chunk.length < maxChunkSize && this.ready.length > 0) {
      const share = Math.ceil((maxChunkSize - chunk.length) / this.ready.length);
      for (const held of this.ready) {
        const { messages } = held.batch;
        const room = Math.min(share, maxChunkSize - chunk.length);
        const end = Math.min(messages.length, held.nextToTake + room);
        for (let i = held.nextToTake; i < end; i++) chunk.push(messages[i] as KafkaRawMessage);
        held.nextToTake = end;
      }
      if (this.ready.some((held) => held.nextToTake === held.batch.messages.length)) {
        this.ready = this.ready.filter((held) => {
          if (held.nextToTake < held.batch.messages.length) return true;
          this.notify(held);
          return false;
        });
      }
    }
    this.outstanding += chunk.length;
    for (const message of chunk) this.bytesOutstanding += bytesOf(message);
    return chunk;
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.ready.length > 0) {
      const waiter = this.waiters.shift() as TakeWaiter;
      waiter.resolve(this.takeNow(waiter.maxChunkSize));
    }
  }
}

function bytesOf(message: RawMessage): number {
  const { key } = message;
  return (message.body?.length ?? 0) + (typeof key === "string" ? key.length : (key?.length ?? 0));
}

function lastOffsetOf(batch: FetchedBatch): string {
  return (batch.messages[batch.messages.length - 1] as KafkaRawMessage).offset;
}
