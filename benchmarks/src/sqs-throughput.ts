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
import { startSqsServer } from "../../scripts/sqs/server.mjs";
import { body, brokerThroughput } from "./broker-throughput.js";

// SQS hands out at most 10 messages a receive.
const maxChunkSize = 10;
// ElasticMQ takes any credentials.
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };

/** A queue's name and URL. */
interface Run {
  name: string;
  url: string;
}

export const sqsThroughput = brokerThroughput<Run>({
  name: "sqs-throughput",
  description:
    "SQS on ElasticMQ, 100-byte messages: romeways against a bare ReceiveMessage/DeleteMessageBatch loop",
  label: "sqs",
  total: { quick: 500, full: 3_000 },
  runs: 5,
  timeoutSeconds: 300,
  env: "SQS_ENDPOINT",
  async start(log) {
    const server = await startSqsServer({ log });
    return { url: server.endpoint, stop: () => server.stop() };
  },
  plan: `a fresh queue per run, chunk ${maxChunkSize}`,
  case: `chunk ${maxChunkSize}, DeleteMessageBatch per chunk`,
  baselineName: "bare @aws-sdk/client-sqs: ReceiveMessage (wait 20 s), DeleteMessageBatch",
  note: "both receive and delete 10 at a time, one request at a time",
  async connect(endpoint) {
    const client = new SQSClient({ endpoint, region: "us-east-1", credentials });
    return {
      async fill(total) {
        const name = `bench-${randomUUID().slice(0, 8)}`;
        const { QueueUrl: url = "" } = await client.send(
          new CreateQueueCommand({ QueueName: name }),
        );
        const sends: Promise<unknown>[] = [];
        for (let start = 0; start < total; start += 10) {
          const entries = Array.from({ length: Math.min(10, total - start) }, (_, i) => ({
            Id: String(i),
            MessageBody: body(start + i),
          }));
          sends.push(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })));
          if (sends.length === 50) await Promise.all(sends.splice(0));
        }
        await Promise.all(sends);
        return { name, url };
      },
      consume(romeways, { name }, handle) {
        romeways.queueConsumer(
          name,
          { connectorName: "sqs", frequency: 0, maxChunkSize, sequential: false },
          handle,
        );
        romeways.connectorRegister({
          connector: "sqs",
          config: { connectorName: "sqs", endpoint, region: "us-east-1", client: { credentials } },
        });
      },
      async bare({ url }, stopwatch) {
        const consumer = new SQSClient({ endpoint, region: "us-east-1", credentials });
        try {
          let handled = 0;
          while (handled < stopwatch.total) {
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
                  Entries: messages.map((m, i) => ({
                    Id: String(i),
                    ReceiptHandle: m.ReceiptHandle,
                  })),
                }),
              );
            }
            handled += messages.length;
          }
        } finally {
          consumer.destroy();
        }
      },
      async remove({ url }) {
        await client.send(new DeleteQueueCommand({ QueueUrl: url }));
      },
      async close() {
        client.destroy();
      },
    };
  },
});
