import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SqsRawMessage } from "./sqs-message.js";

// ChangeMessageVisibilityBatch and DeleteMessageBatch take at most 10 entries.
export const maxBatchEntries = 10;

/** `items` in runs of at most `size`. */
export function inBatches<T>(items: readonly T[], size = maxBatchEntries): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** The entries of a batch answer that failed, as one error naming how many and why. */
export function batchFailure(
  action: string,
  failed: readonly { Id?: string; Code?: string; Message?: string }[] | undefined,
): Error | undefined {
  if (failed === undefined || failed.length === 0) return undefined;
  const reasons = [...new Set(failed.map((f) => f.Code ?? f.Message ?? "unknown"))].join(", ");
  return new Error(`${action} failed for ${failed.length} message(s): ${reasons}`);
}

/**
 * What this instance took from SQS and did not delete yet, ready or handed to core. A timer
 * extends the visibility of whatever has been held for a while, so a message whose handler runs
 * long does not reappear to other consumers; `release()` makes all of it visible again at once.
 */
export class Leases {
  /** Each held message, with when its visibility was last set (performance.now()). */
  private readonly held = new Map<SqsRawMessage, number>();
  private readonly periodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private extending = false;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    /** Seconds each extension sets (the queue config's visibilityTimeout). */
    private readonly visibilityTimeout: number,
    /** Every request goes through it: it tells the connector whether SQS could be reached. */
    private readonly track: <T>(request: Promise<T>) => Promise<T>,
    /** An extension that failed in the background. */
    private readonly onError: (error: unknown) => void,
  ) {
    // Extending every third of the timeout leaves a third as margin for a slow request.
    this.periodMs = (visibilityTimeout * 1000) / 3;
  }

  get size(): number {
    return this.held.size;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.extendDue(), this.periodMs);
    this.timer.unref();
  }

  add(messages: readonly SqsRawMessage[]): void {
    const now = performance.now();
    for (const message of messages) this.held.set(message, now);
  }

  /** Forgets `messages` (deleted, or about to be): they are extended no more. */
  remove(messages: readonly SqsRawMessage[]): void {
    for (const message of messages) this.held.delete(message);
  }

  /** Stops extending; what is held then expires on the server (a crash, or before release). */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Makes every held message visible again (visibility 0) and forgets them. */
  async release(signal?: AbortSignal): Promise<void> {
    this.close();
    const messages = [...this.held.keys()];
    this.held.clear();
    await Promise.all(inBatches(messages).map((batch) => this.setVisibility(batch, 0, signal)));
  }

  /** Extends what was last extended at least half a period ago: it expires before the next tick but one. */
  private async extendDue(): Promise<void> {
    if (this.extending) return;
    this.extending = true;
    try {
      const now = performance.now();
      const due = [...this.held].filter(([, at]) => now - at >= this.periodMs / 2).map(([m]) => m);
      for (const message of due) this.held.set(message, now);
      const results = await Promise.allSettled(
        inBatches(due).map((batch) => this.setVisibility(batch, this.visibilityTimeout)),
      );
      for (const result of results) {
        if (result.status === "rejected") this.onError(result.reason);
      }
    } finally {
      this.extending = false;
    }
  }

  private async setVisibility(
    batch: readonly SqsRawMessage[],
    seconds: number,
    signal?: AbortSignal,
  ): Promise<void> {
    if (batch.length === 0) return;
    const entries: ChangeMessageVisibilityBatchRequestEntry[] = batch.map((message, index) => ({
      Id: String(index),
      ReceiptHandle: message.sqs.receiptHandle,
      VisibilityTimeout: seconds,
    }));
    const answer = await this.track(
      this.client.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        { abortSignal: signal },
      ),
    );
    const failure = batchFailure("ChangeMessageVisibility", answer.Failed);
    if (failure !== undefined) throw failure;
  }
}
