// Fills a queue fast: SendMessageBatch (10 a request), 50 requests at a time.
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SqsQueueConnector } from "@romeways/connector-sqs";
import { connectorConfig, queueConfig, testCredentials } from "./sqs-test-kit.js";

/** Sends "id-0" ... "id-<total - 1>" as plain text bodies; creates the queue first. */
export async function sendMany(endpoint: string, queue: string, total: number): Promise<void> {
  // The queue is made by a send-only instance, as a dead-letter queue would be.
  const producer = new SqsQueueConnector(connectorConfig(endpoint), queueConfig(), queue);
  await producer.sendMessage({ body: new TextEncoder().encode("id-0") });
  await producer.stop();
  const client = new SQSClient({ endpoint, region: "us-east-1", credentials: testCredentials });
  const queueUrl = `${endpoint}/000000000000/${queue}`;
  const sends: Promise<unknown>[] = [];
  try {
    for (let start = 1; start < total; start += 10) {
      const entries = Array.from({ length: Math.min(10, total - start) }, (_, i) => ({
        Id: String(i),
        MessageBody: `id-${start + i}`,
      }));
      sends.push(
        client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })),
      );
      if (sends.length === 50) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
  } finally {
    client.destroy();
  }
}
