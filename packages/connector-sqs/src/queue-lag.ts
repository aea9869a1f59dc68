import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

// How old a lag may be before health() asks SQS again.
const refreshMs = 5_000;

/**
 * The queue's `ApproximateNumberOfMessages`, for health(). Asked only when health() is read, at
 * most every 5 s, and answered from the last figure (health() is synchronous): an instance
 * nobody checks sends no extra requests.
 */
export class QueueLag {
  private last: number | undefined;
  private askedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly track: <T>(request: Promise<T>) => Promise<T>,
  ) {}

  current(): number | undefined {
    const now = performance.now();
    if (now - this.askedAt >= refreshMs) {
      this.askedAt = now;
      this.track(
        this.client.send(
          new GetQueueAttributesCommand({
            QueueUrl: this.queueUrl,
            AttributeNames: ["ApproximateNumberOfMessages"],
          }),
        ),
      ).then(
        (answer) => {
          const value = Number(answer.Attributes?.ApproximateNumberOfMessages);
          if (Number.isFinite(value)) this.last = value;
        },
        // A failed refresh keeps the last figure; the outage is already tracked.
        () => {},
      );
    }
    return this.last;
  }
}
