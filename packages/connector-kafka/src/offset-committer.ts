import type { FetchedBatch } from "./kafkajs-client.js";
import { OffsetTracker } from "./offset-tracker.js";

/** What the committer needs of a held batch. */
export interface CommitSource {
  readonly batch: FetchedBatch;
  /** Every message is acknowledged and kafkajs has moved on to the partition's next batch. */
  released: boolean;
}

const ignore = () => {};

interface CommitRound<S> {
  source: S;
  partition: number;
  offset: string;
}

/**
 * The one owner of the offsets: what was fetched (track), acknowledged (ack) and committed, per
 * partition, and forgetting all of it at a revoke. Commits the acknowledged prefix of every partition off the fetch path. kafkajs fetches
 * again only once every batch of its last fetch settled, and a commit costs a broker round trip (5 ms
 * and more: Kafka 4 lingers on group-coordinator writes) during which the broker answers
 * nothing else on that connection, fetches included. So there is one commit in flight at a
 * time, for every partition that has something to commit, and commits start at most once
 * per interval: a fetch that queues behind a commit is what the latency tail is made of.
 * Acks that arrive meanwhile go into the next commit; a rebalance or a stop commits at once.
 */
export class OffsetCommitter<S extends CommitSource> {
  /** Per partition, the newest batch that asked for a commit (its generation decides). */
  private readonly wanted = new Map<number, S>();
  /** A commit loop runs; set and cleared synchronously, so no request falls between two loops. */
  private active = false;
  /** The last commit loop started. */
  private running: Promise<void> = Promise.resolve();
  private lastCommitStart = Number.NEGATIVE_INFINITY;
  /** The next commit may not wait for the interval (a rebalance or a stop wants it). */
  private urgent = false;
  private endWait: (() => void) | undefined;
  /** The last commit failed and what it carried is still wanted: retry without a new ack. */
  failed = false;

  private readonly offsets = new OffsetTracker();

  /** @param intervalMs least time between the starts of two commits, except urgent ones */
  constructor(
    private readonly isCurrent: (source: S) => boolean,
    private readonly intervalMs = 0,
  ) {}

  /** Messages fetched for `partition`, in fetch order: only their acknowledged prefix commits. */
  track(partition: number, messages: readonly { readonly offset: string }[]): void {
    this.offsets.track(partition, messages);
  }

  /** One message's outcome is final; a request() commits the prefix it completes. */
  ack(partition: number, offset: string): void {
    this.offsets.ack(partition, offset);
  }

  /** Fetched for `partition` and not acknowledged yet. */
  pendingCount(partition: number): number {
    return this.offsets.pendingCount(partition);
  }

  /** Commits in the background; a failed commit stays wanted until the next one. */
  request(source: S): void {
    this.wanted.set(source.batch.partition, source);
    if (this.active) return;
    this.active = true;
    this.running = this.run();
    this.running.catch(ignore);
  }

  /** Commits now and waits for it; rejects if the commit fails. */
  commitNow(source: S): Promise<void> {
    this.request(source);
    this.hurry();
    return this.running;
  }

  /** Waits for the commit on its way, then tries once more whatever is still wanted. */
  async flush(): Promise<void> {
    this.hurry();
    await this.running.catch(ignore);
    await this.commitOwed();
  }

  /** Commits whatever is owed without waiting for the interval; never rejects. */
  commitOwed(): Promise<void> {
    const [source] = this.wanted.values();
    return source === undefined ? Promise.resolve() : this.commitNow(source).catch(ignore);
  }

  /** After a revoke: nothing fetched before is committed any more; it will be fetched again. */
  forget(): void {
    this.offsets.clear();
    this.wanted.clear();
    this.failed = false;
  }

  private async run(): Promise<void> {
    // One function: `active` must fall in the same tick as the check that found nothing wanted.
    try {
      for (;;) {
        let round = this.nextRound();
        if (round.length === 0) return;
        const wait = this.lastCommitStart + this.intervalMs - performance.now();
        if (wait > 0 && !this.urgent) {
          await this.pause(wait);
          round = this.nextRound();
          if (round.length === 0) return;
        }
        this.lastCommitStart = performance.now();
        // Any batch's commit will do: it commits for the consumer, in its generation.
        try {
          await (round[0] as CommitRound<S>).source.batch.commit(
            round.map(({ partition, offset }) => ({ partition, offset })),
          );
        } catch (error) {
          this.failed = true;
          throw error;
        }
        this.failed = false;
        for (const { source, partition, offset } of round) {
          if (!this.isCurrent(source)) continue;
          this.offsets.committed(partition, offset);
          resolveUpTo(source, BigInt(offset) - 1n);
        }
      }
    } finally {
      this.active = false;
      // A rebalance or a stop wants everything committed: no waits until the loop ends.
      this.urgent = false;
    }
  }

  /** What to commit now, per partition; drops what has nothing (more) to commit. */
  private nextRound(): CommitRound<S>[] {
    const round: CommitRound<S>[] = [];
    for (const [partition, source] of this.wanted) {
      const offset = this.isCurrent(source) ? this.offsets.committable(partition) : undefined;
      if (offset === undefined) this.wanted.delete(partition);
      else round.push({ source, partition, offset });
    }
    return round;
  }

  /** The running loop commits without waiting for the interval until it ends. */
  private hurry(): void {
    if (!this.active) return;
    this.urgent = true;
    this.endWait?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endWait?.(), ms);
      this.endWait = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve();
      };
    });
  }
}

/**
 * A refetch after a transient error then starts at the commit, not at the batch's start.
 * Never backwards: a released batch is resolved to its end already, and a commit of the
 * previous batch's tail must not move a newer batch's fetch position back.
 */
function resolveUpTo(source: CommitSource, lastDone: bigint): void {
  const first = source.batch.messages[0];
  if (source.released || first === undefined || lastDone < BigInt(first.offset)) return;
  source.batch.resolveOffset(lastDone.toString());
}
