/**
 * The parent's count of what each worker holds of connectors it reaches itself (identities it
 * reports per poll and per ack), and of the crashes each message was held through. A message
 * that reached `maxWorkerCrashes` becomes poison: every worker is told, so the next one to take
 * it settles it instead of handling it.
 */
export class HeldByWorkers {
  /** Per worker slot: `queue\0identity` → how many copies it holds. */
  private readonly held = new Map<number, Map<string, number>>();
  private readonly crashes = new Map<string, number>();
  private readonly poison = new Set<string>();

  constructor(private readonly maxWorkerCrashes: number) {}

  took(slot: number, queueName: string, ids: readonly string[]): void {
    let holding = this.held.get(slot);
    if (holding === undefined) {
      holding = new Map();
      this.held.set(slot, holding);
    }
    for (const id of ids) {
      const key = `${queueName}\u0000${id}`;
      holding.set(key, (holding.get(key) ?? 0) + 1);
    }
  }

  released(slot: number, queueName: string, ids: readonly string[]): void {
    const holding = this.held.get(slot);
    if (holding === undefined) return;
    for (const id of ids) {
      const key = `${queueName}\u0000${id}`;
      const left = (holding.get(key) ?? 0) - 1;
      if (left > 0) holding.set(key, left);
      else holding.delete(key);
    }
  }

  /** The worker in `slot` exited unexpectedly: the messages that became poison, by queue. */
  crashed(slot: number): Map<string, string[]> {
    const holding = this.held.get(slot);
    this.held.delete(slot);
    const fresh = new Map<string, string[]>();
    for (const key of holding?.keys() ?? []) {
      const count = (this.crashes.get(key) ?? 0) + 1;
      this.crashes.set(key, count);
      if (count < this.maxWorkerCrashes || this.poison.has(key)) continue;
      this.poison.add(key);
      const [queueName, id] = key.split("\u0000") as [string, string];
      fresh.set(queueName, [...(fresh.get(queueName) ?? []), id]);
    }
    return fresh;
  }

  /** The worker in `slot` exited as asked: what it held was not a crash. */
  exited(slot: number): void {
    this.held.delete(slot);
  }

  /** Every poison message, by queue, for a worker being spawned (its environment). */
  poisonByQueue(): Record<string, string[]> {
    const byQueue: Record<string, string[]> = {};
    for (const key of this.poison) {
      const [queueName, id] = key.split("\u0000") as [string, string];
      byQueue[queueName] = [...(byQueue[queueName] ?? []), id];
    }
    return byQueue;
  }
}
