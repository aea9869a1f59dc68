// The conformance suite run over the SQS connector broken on purpose, on the real server: the
// naive long poll (the SDK request aborted with the poll) and an instance abandoned instead of
// crashed. Only the promises meant to catch each mutant run, and those it evades.
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SqsRawMessage } from "@romeways/connector-sqs";
import type { Connector, RawMessage } from "@romeways/core";
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, test } from "vitest";
import { promiseNames } from "../../testing/test/mutants/broken-connectors.js";
import { expectKilled } from "../../testing/test/mutants/kill-mutant.js";
import { CrashableSqsConnector } from "./crashable-connector.js";
import { deleteQueue, sqsEndpoint, testCredentials, testQueueName } from "./sqs-test-kit.js";

const base: Omit<ConformanceRunOptions<Connector>, "connector"> = {
  name: "sqs mutant",
  durable: true,
  ordered: false,
  timeoutMs: Number(process.env.MUTANT_TIMEOUT_MS ?? 8_000),
  createQueue: () => testQueueName(),
  removeQueue: (queueName) => deleteQueue(queueName),
};

/**
 * Polls as the SDK's examples do: one ReceiveMessage per poll, aborted with the poll. Sends,
 * acks and stop() are the real connector's.
 */
class AbortsTheRequest implements Connector {
  private readonly client = new SQSClient({
    endpoint: sqsEndpoint(),
    region: "us-east-1",
    credentials: testCredentials,
  });

  constructor(
    private readonly inner: CrashableSqsConnector,
    private readonly queueName: string,
  ) {}

  start(): Promise<void> {
    return this.inner.start();
  }

  async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    try {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: `${sqsEndpoint()}/000000000000/${this.queueName}`,
          MaxNumberOfMessages: Math.min(10, maxChunkSize),
          WaitTimeSeconds: 20,
          VisibilityTimeout: 3,
        }),
        { abortSignal: signal },
      );
      return Messages.map(
        (m): SqsRawMessage => ({
          body: new TextEncoder().encode(m.Body ?? ""),
          sqs: {
            messageId: m.MessageId ?? "",
            receiptHandle: m.ReceiptHandle ?? "",
            receiveCount: 1,
          },
        }),
      );
    } catch (error) {
      if (signal.aborted) return [];
      throw error;
    }
  }

  sendMessage(message: RawMessage): Promise<void> {
    return this.inner.sendMessage(message);
  }

  ack(messages: RawMessage[]): Promise<void> {
    return this.inner.ack(messages);
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.inner.stop();
  }
}

const real = (queueName: string) => new CrashableSqsConnector(sqsEndpoint(), queueName);

describe("the conformance suite fails the SQS connector broken on purpose", () => {
  test("a poll that aborts its ReceiveMessage: the abandoned request takes the next message", async () => {
    await expectKilled(
      "sqs",
      {
        name: "ReceiveMessage aborted with the poll",
        killedBy: promiseNames.realWaitAbort,
        because: /did not reach the next poll|"sentinel" did not come/,
      },
      { ...base, connector: (queueName) => new AbortsTheRequest(real(queueName), queueName) },
      "targeted",
    );
  });

  test("a crash that only abandons the instance, which keeps extending what it holds", async () => {
    await expectKilled(
      "sqs",
      {
        name: "abandoned, not crashed (extensions go on)",
        killedBy: promiseNames.crash,
        because: /no `crash` option was given/,
      },
      { ...base, connector: real },
      "targeted",
    );
  });
});
