import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SQSClient,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import type { SqsConnectorConfig } from "./config.js";

/** A client for one connector instance: the connector's options, `endpoint` and `region` on top. */
export function createSqsClient(config: SqsConnectorConfig): SQSClient {
  const options: SQSClientConfig = { ...config.client };
  if (config.endpoint !== undefined) options.endpoint = config.endpoint;
  if (config.region !== undefined) options.region = config.region;
  return new SQSClient(options);
}

/** A FIFO queue's name ends in `.fifo` (SQS requires it). */
export function isFifoQueue(queue: string): boolean {
  return queue.endsWith(".fifo");
}

function isUrl(queue: string): boolean {
  return /^https?:\/\//.test(queue);
}

/**
 * The URL of `queue` (a name or a URL). A missing queue is created when `create` is true:
 * CreateQueue is idempotent, so two instances racing to create it both get its URL.
 */
export async function resolveQueueUrl(
  client: SQSClient,
  queue: string,
  create: boolean,
  signal?: AbortSignal,
): Promise<string> {
  if (isUrl(queue)) return queue;
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queue }), {
      abortSignal: signal,
    });
    if (QueueUrl !== undefined) return QueueUrl;
  } catch (error) {
    if (!create || !isMissingQueue(error)) throw error;
  }
  if (!create) throw new Error(`SQS returned no URL for queue ${queue}`);
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: queue,
      Attributes: isFifoQueue(queue) ? { FifoQueue: "true" } : undefined,
    }),
    { abortSignal: signal },
  );
  if (QueueUrl === undefined) throw new Error(`SQS created queue ${queue} without a URL`);
  return QueueUrl;
}

/** SQS' "no such queue", by class or by the error names older servers answer with. */
export function isMissingQueue(error: unknown): boolean {
  if (error instanceof QueueDoesNotExist) return true;
  const name = (error as { name?: unknown })?.name;
  return (
    name === "QueueDoesNotExist" ||
    name === "AWS.SimpleQueueService.NonExistentQueue" ||
    name === "NonExistentQueue"
  );
}
