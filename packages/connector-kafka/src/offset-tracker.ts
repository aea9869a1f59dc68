/**
 * Per partition, the offsets handed out in the order they were fetched and which of them are
 * acknowledged. Only the acknowledged prefix may be committed: a slow message holds back the
 * commit of every later one in its partition, so a crash redelivers instead of skipping.
 *
 * Offsets need not be consecutive numbers (compaction, transaction markers): "contiguous"
 * means no earlier fetched offset is still unacknowledged.
 */
export class OffsetTracker {
  private readonly partitions = new Map<number, PartitionOffsets>();

  /** Records the offsets of messages fetched for `partition`, in fetch order. */
  track(partition: number, messages: readonly { readonly offset: string }[]): void {
    let state = this.partitions.get(partition);
    if (state === undefined) {
      state = new PartitionOffsets();
      this.partitions.set(partition, state);
    }
    for (const message of messages) state.track(message.offset);
  }

  /** Marks one tracked offset as done; unknown offsets are ignored. */
  ack(partition: number, offset: string): void {
    this.partitions.get(partition)?.ack(offset);
  }

  /** The offset to commit (the next one to read) if the acknowledged prefix grew since the last commit. */
  committable(partition: number): string | undefined {
    const next = this.partitions.get(partition)?.committable();
    return next === undefined ? undefined : next.toString();
  }

  /** Records that `nextOffset` was committed for `partition`. */
  committed(partition: number, nextOffset: string): void {
    this.partitions.get(partition)?.markCommitted(BigInt(nextOffset));
  }

  /** Offsets fetched for `partition` and not acknowledged yet. */
  pendingCount(partition: number): number {
    return this.partitions.get(partition)?.pendingCount ?? 0;
  }

  /** Forgets everything, e.g. after a rebalance: what was fetched before will be fetched again. */
  clear(): void {
    this.partitions.clear();
  }
}

class PartitionOffsets {
  // Fetch order as an array + head index, so that dropping the acknowledged front stays O(1).
  // Offsets stay decimal strings on the per-message path: BigInt only once per commit.
  private pending: string[] = [];
  private head = 0;
  /** Acknowledged ahead of an earlier offset that is still pending. */
  private readonly ackedEarly = new Set<string>();
  private lastDone: string | undefined;
  private lastCommitted: bigint | undefined;

  get pendingCount(): number {
    return this.pending.length - this.head;
  }

  track(offset: string): void {
    this.pending.push(offset);
  }

  ack(offset: string): void {
    if (this.pendingCount === 0) return;
    const first = this.pending[this.head] as string;
    if (offset === first) {
      // Acknowledgements mostly come in fetch order: no hashing for those.
      this.lastDone = first;
      this.head++;
    } else if (compareOffsets(offset, first) < 0) {
      return; // done before: a repeated acknowledgement
    } else {
      this.ackedEarly.add(offset);
    }
    while (this.ackedEarly.size > 0 && this.head < this.pending.length) {
      const next = this.pending[this.head] as string;
      if (!this.ackedEarly.delete(next)) break;
      this.lastDone = next;
      this.head++;
    }
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  committable(): bigint | undefined {
    if (this.lastDone === undefined) return undefined;
    const next = BigInt(this.lastDone) + 1n;
    return this.lastCommitted !== undefined && this.lastCommitted >= next ? undefined : next;
  }

  markCommitted(next: bigint): void {
    if (this.lastCommitted === undefined || next > this.lastCommitted) this.lastCommitted = next;
  }
}

/** Numeric order of two decimal offsets without leading zeros, without parsing them. */
function compareOffsets(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
