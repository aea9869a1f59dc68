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

  /** Records offsets fetched for `partition`, in fetch order. */
  track(partition: number, offsets: readonly string[]): void {
    let state = this.partitions.get(partition);
    if (state === undefined) {
      state = new PartitionOffsets();
      this.partitions.set(partition, state);
    }
    for (const offset of offsets) state.track(BigInt(offset));
  }

  /** Marks one tracked offset as done; unknown offsets are ignored. */
  ack(partition: number, offset: string): void {
    this.partitions.get(partition)?.ack(BigInt(offset));
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
  private pending: bigint[] = [];
  private head = 0;
  private readonly acked = new Set<bigint>();
  private lastDone: bigint | undefined;
  private lastCommitted: bigint | undefined;

  get pendingCount(): number {
    return this.pending.length - this.head;
  }

  track(offset: bigint): void {
    this.pending.push(offset);
  }

  ack(offset: bigint): void {
    if (this.pendingCount === 0 || offset < (this.pending[this.head] as bigint)) return;
    this.acked.add(offset);
    while (this.head < this.pending.length) {
      const first = this.pending[this.head] as bigint;
      if (!this.acked.delete(first)) break;
      this.lastDone = first;
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
    const next = this.lastDone + 1n;
    return this.lastCommitted !== undefined && this.lastCommitted >= next ? undefined : next;
  }

  markCommitted(next: bigint): void {
    if (this.lastCommitted === undefined || next > this.lastCommitted) this.lastCommitted = next;
  }
}
