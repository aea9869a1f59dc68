import { randomUUID } from "node:crypto";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  type Connector,
  type ConnectorConfigSpec,
  type ConnectorContext,
  type ConnectorHealth,
  type RawMessage,
  RomewaysError,
} from "@romeways/core";
import {
  checkConnectorConfig,
  resolveConsumerSettings,
  resolveGroupId,
  resolveSqsQueue,
  type SqsConnectorConfig,
  type SqsQueueConfig,
} from "./config.js";
import { groupIdOf } from "./fifo.js";
import { batchFailure, inBatches, Leases } from "./leases.js";
import { decodeMessage, encodeMessage } from "./message-codec.js";
import { isConnectionError, Outage } from "./outage.js";
import { QueueLag } from "./queue-lag.js";
import { Receiver } from "./receiver.js";
import { createSqsClient, isFifoQueue, resolveQueueUrl } from "./sqs-client.js";
import type { SqsRawMessage } from "./sqs-message.js";

interface Consuming {
  queueUrl: string;
  waitTimeSeconds: number;
  visibilityTimeout: number;
  leases: Leases;
  receiver: Receiver;
  lag: QueueLag;
}

/**
 * Consumes one SQS queue and publishes to it, at least once: a message is deleted
 * (`DeleteMessageBatch`) only after romeways acknowledged it; until then its visibility is
 * extended, and `stop()` makes it visible again. Core builds one instance per queue (and a
 * send-only one per dead-letter queue).
 */
export class SqsQueueConnector implements Connector {
  /** Unknown fields and bad values are ConfigErrors at registration, before any request. */
  static readonly configSpec: ConnectorConfigSpec<SqsConnectorConfig, SqsQueueConfig> = {
    connectorFields: { endpoint: true, region: true, client: true, createQueues: true },
    queueFields: { queue: true, visibilityTimeout: true, waitTimeSeconds: true, groupId: true },
    check(connectorConfig, queueConfig, queueName) {
      checkConnectorConfig(connectorConfig, queueName);
      resolveSqsQueue(queueConfig, queueName);
      resolveGroupId(queueConfig, queueName);
      resolveConsumerSettings(queueConfig, queueName);
    },
  };

  private readonly sqsQueue: string;
  private readonly fifo: boolean;
  private readonly groupId: string;
  private readonly createQueues: boolean;
  private client: SQSClient | undefined;
  private queueUrl: Promise<string> | undefined;
  private consuming: Consuming | undefined;
  private readonly outage: Outage;

  constructor(
    private readonly connectorConfig: SqsConnectorConfig,
    private readonly queueConfig: SqsQueueConfig,
    private readonly queueName: string,
    private readonly context?: Partial<ConnectorContext>,
  ) {
    checkConnectorConfig(connectorConfig, queueName);
    this.sqsQueue = resolveSqsQueue(queueConfig, queueName);
    this.fifo = isFifoQueue(this.sqsQueue);
    this.groupId = resolveGroupId(queueConfig, queueName);
    this.createQueues = connectorConfig.createQueues ?? true;
    this.outage = new Outage(context);
  }

  /** Resolves (or creates) the queue and starts extending what this instance will hold. */
  async start(): Promise<void> {
    // Consumer-only fields are checked here: a send-only (dead-letter) instance never starts.
    const { visibilityTimeout, waitTimeSeconds } = resolveConsumerSettings(
      this.queueConfig,
      this.queueName,
    );
    if (this.consuming !== undefined) return;
    const queueUrl = await this.resolvedQueueUrl();
    const client = this.sqsClient();
    const track = this.outage.track;
    const leases = new Leases(client, queueUrl, visibilityTimeout, track, (error) => {
      // An unreachable server is reported once per outage by the tracker, not at every tick.
      if (!isConnectionError(error)) this.context?.reportError?.(error);
    });
    leases.start();
    const lag = new QueueLag(client, queueUrl, track);
    const receiver = new Receiver((max, signal) => this.receive(max, signal));
    this.consuming = { queueUrl, waitTimeSeconds, visibilityTimeout, leases, receiver, lag };
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    if (this.consuming === undefined) {
      throw new RomewaysError(
        "SQS_NOT_STARTED",
        `SQS connector of queue ${this.queueName} polled before start()`,
      );
    }
    return this.consuming.receiver.take(maxChunkSize, signal);
  }

  async sendMessage(message: RawMessage): Promise<void> {
    const queueUrl = await this.resolvedQueueUrl();
    const { body, attributes } = encodeMessage(message);
    await this.outage.track(
      this.sqsClient().send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: attributes,
          // FIFO: one group per key keeps a key's messages in order. The SDK sends a retried
          // request with the same id, so SQS drops the copy of a send retried after a timeout.
          ...(this.fifo && {
            MessageGroupId: groupIdOf(message.key, this.groupId),
            MessageDeduplicationId: randomUUID(),
          }),
        }),
      ),
    );
  }

  /** Deletes `messages`; ones whose delete fails come back once their visibility expires. */
  async ack(messages: RawMessage[]): Promise<void> {
    const consuming = this.consuming;
    if (consuming === undefined || messages.length === 0) return;
    const taken = messages as SqsRawMessage[];
    // Forgotten before the delete: a failed delete must expire, not be extended forever.
    consuming.leases.remove(taken);
    const answers = await Promise.all(
      inBatches(taken).map((batch) =>
        this.outage.track(
          this.sqsClient().send(
            new DeleteMessageBatchCommand({
              QueueUrl: consuming.queueUrl,
              Entries: batch.map((m, index) => ({
                Id: String(index),
                ReceiptHandle: m.sqs.receiptHandle,
              })),
            }),
          ),
        ),
      ),
    );
    const failure = batchFailure(
      "DeleteMessage",
      answers.flatMap((a) => a.Failed ?? []),
    );
    if (failure !== undefined) throw failure;
  }

  /** Ends the running receive, makes everything held visible again, closes the client. */
  async stop(): Promise<void> {
    const consuming = this.consuming;
    this.consuming = undefined;
    try {
      if (consuming !== undefined) {
        consuming.leases.close();
        await consuming.receiver.close();
        await consuming.leases.release();
      }
    } finally {
      this.client?.destroy();
      this.client = undefined;
      this.queueUrl = undefined;
    }
  }

  /** Cuts this instance off as a killed process would: nothing released, held messages expire. */
  protected abandon(): void {
    const consuming = this.consuming;
    this.consuming = undefined;
    consuming?.leases.close();
    void consuming?.receiver.close();
    this.client?.destroy();
    this.client = undefined;
    this.queueUrl = undefined;
  }

  /** Connected unless SQS could not be reached; lag: the queue's `ApproximateNumberOfMessages`. */
  health(): ConnectorHealth {
    const health: ConnectorHealth = { connected: !this.outage.down };
    if (this.outage.reason !== undefined) health.reason = this.outage.reason;
    const lag = this.consuming?.lag.current();
    if (lag !== undefined) health.lag = lag;
    return health;
  }

  private async receive(max: number, signal: AbortSignal): Promise<SqsRawMessage[]> {
    const consuming = this.consuming;
    if (consuming === undefined) return [];
    const answer = await this.outage.track(
      this.sqsClient().send(
        new ReceiveMessageCommand({
          QueueUrl: consuming.queueUrl,
          MaxNumberOfMessages: Math.min(max, 10),
          WaitTimeSeconds: consuming.waitTimeSeconds,
          VisibilityTimeout: consuming.visibilityTimeout,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: [
            "ApproximateReceiveCount",
            "MessageGroupId",
            "SequenceNumber",
          ],
        }),
        { abortSignal: signal },
      ),
    );
    const messages = (answer.Messages ?? []).map(toSqsRawMessage);
    consuming.leases.add(messages);
    return messages;
  }

  private sqsClient(): SQSClient {
    this.client ??= createSqsClient(this.connectorConfig);
    return this.client;
  }

  private resolvedQueueUrl(): Promise<string> {
    if (this.queueUrl === undefined) {
      const resolving = this.outage.track(
        resolveQueueUrl(this.sqsClient(), this.sqsQueue, this.createQueues),
      );
      // A failed lookup is tried again by the next call instead of failing forever.
      resolving.catch(() => {
        if (this.queueUrl === resolving) this.queueUrl = undefined;
      });
      this.queueUrl = resolving;
    }
    return this.queueUrl;
  }
}

function toSqsRawMessage(message: Message): SqsRawMessage {
  const attributes = message.Attributes ?? {};
  const sqs: SqsRawMessage["sqs"] = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 1),
    ...(attributes.MessageGroupId !== undefined && { groupId: attributes.MessageGroupId }),
    ...(attributes.SequenceNumber !== undefined && {
      sequenceNumber: attributes.SequenceNumber,
    }),
  };
  return { ...decodeMessage(message), sqs };
}
