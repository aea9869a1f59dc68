// SQS consume throughput on pre-filled queues (100-byte messages), on ElasticMQ: romeways with
// @romeways/connector-sqs (ReceiveMessage long polls of 10, DeleteMessageBatch after the
// outcome, visibility extended while held) against a bare @aws-sdk/client-sqs loop doing the
// same ReceiveMessage and DeleteMessageBatch. Each run consumes a queue of its own, filled
// before the clock starts.
import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import "@romeways/connector-sqs";
import { createRomeways } from "@romeways/core";
import { type SqsServer, startSqsServer } from "../../scripts/sqs/server.mjs";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

// SQS hands out at most 10 messages a receive.
const maxChunkSize = 10;
// ElasticMQ takes any credentials.
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };

/** Resolves with msg/s from the first message handled to the `total`-th. */
class Stopwatch {
  private firstAt = 0;
  private count = 0;
  private finish: (rate: number) => void = () => {};
  readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(private readonly total: number) {}

  handle = async (_message: unknown): Promise<void> => {
    if (this.count === 0) this.firstAt = performance.now();
    if (++this.count === this.total) {
      this.finish((this.total - 1) / ((performance.now() - this.firstAt) / 1000));
    }
  };

  result(): Promise<number> {
    return within(this.done, 300_000, () => `${this.count} of ${this.total} messages within 300 s`);
  }
}

/** A fresh queue of `total` messages; returns its name and URL. */
async function fill(client: SQSClient, total: number): Promise<{ name: string; url: string }> {
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const { QueueUrl: url = "" } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const sends: Promise<unknown>[] = [];
  for (let start = 0; start < total; start += 10) {
    const entries = Array.from({ length: Math.min(10, total - start) }, (_, i) => ({
      Id: String(i),
      MessageBody: String(start + i)
        .padStart(10, "0")
        .padEnd(100, "x"),
    }));
    sends.push(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })));
    if (sends.length === 50) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  return { name, url };
}

async function throughRomeways(endpoint: string, client: SQSClient, total: number) {
  const { name, url } = await fill(client, total);
  const stopwatch = new Stopwatch(total);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    name,
    { connectorName: "sqs", frequency: 0, maxChunkSize, sequential: false },
    stopwatch.handle,
  );
  romeways.connectorRegister({
    connector: "sqs",
    config: { connectorName: "sqs", endpoint, region: "us-east-1", client: { credentials } },
  });
  await romeways.start();
  try {
    return await stopwatch.result();
  } finally {
    await romeways.stop();
    await client.send(new DeleteQueueCommand({ QueueUrl: url }));
  }
}

async function throughBareSdk(endpoint: string, client: SQSClient, total: number) {
  const { url } = await fill(client, total);
  const stopwatch = new Stopwatch(total);
  const consumer = new SQSClient({ endpoint, region: "us-east-1", credentials });
  try {
    let handled = 0;
    while (handled < total) {
      const { Messages: messages = [] } = await consumer.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: maxChunkSize,
          WaitTimeSeconds: 20,
          MessageAttributeNames: ["All"],
        }),
      );
      await Promise.all(messages.map((message) => stopwatch.handle(message)));
      if (messages.length > 0) {
        await consumer.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      handled += messages.length;
    }
    return await stopwatch.result();
  } finally {
    consumer.destroy();
    await client.send(new DeleteQueueCommand({ QueueUrl: url }));
  }
}

export const sqsThroughput: Benchmark = {
  name: "sqs-throughput",
  description:
    "SQS on ElasticMQ, 100-byte messages: romeways against a bare ReceiveMessage/DeleteMessageBatch loop",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 500 : 3_000;
    const runs = context.quick ? 1 : 5;
    let server: SqsServer | undefined;
    let endpoint = process.env.SQS_ENDPOINT ?? "";
    if (endpoint === "") {
      server = await startSqsServer({ log: (line) => context.log(`[sqs] ${line}`) });
      endpoint = server.endpoint;
    }
    const client = new SQSClient({ endpoint, region: "us-east-1", credentials });
    try {
      context.log(
        `${runs} runs each of ${total} messages, a fresh queue per run, chunk ${maxChunkSize}`,
      );
      const result = await paired(
        runs,
        context.quick ? 0 : 1,
        () => throughBareSdk(endpoint, client, total),
        () => throughRomeways(endpoint, client, total),
      );
      return [
        comparedRow(
          {
            benchmark: "sqs-throughput",
            case: `${total.toLocaleString("en-US")} × 100 B, chunk ${maxChunkSize}, DeleteMessageBatch per chunk`,
            metric: "msg/s",
            better: "higher",
            baselineName:
              "bare @aws-sdk/client-sqs: ReceiveMessage (wait 20 s), DeleteMessageBatch",
            target: "ratio >= 0.8",
            note: "msg/s from the first message handled to the last; both receive and delete 10 at a time, one request at a time",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      client.destroy();
      await server?.stop();
    }
  },
};
