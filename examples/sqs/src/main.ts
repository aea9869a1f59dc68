// The seed's example on Amazon SQS: one queue, a resend, a dead letter, on a local ElasticMQ.
// Run with a server: node scripts/sqs/server.mjs run -- pnpm --filter @romeways/example-sqs start
// (or SQS_ENDPOINT=http://127.0.0.1:9324 for one already running; leave the endpoint and the
// credentials out to reach AWS itself).
import { SqsQueueConnector } from "@romeways/connector-sqs";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const connectorConfig = {
  connectorName: "sqs-dev1",
  endpoint: process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324",
  region: "us-east-1",
  // A local server takes any credentials.
  client: { credentials: { accessKeyId: "local", secretAccessKey: "local" } },
};
// One run's queues; the test gives each run queues of its own.
const queue = process.env.SQS_QUEUE ?? "queue-payment-done";
const deadLetters = `${queue}-dead`;

const romeways = createRomeways();

romeways.queueConsumer(
  queue,
  { connectorName: "sqs-dev1", maxChunkSize: 10, deadLetterQueue: deadLetters },
  async (message: Message) => {
    // Ask for a second look at payments that are not settled yet.
    if (message.payload.includes("pending") && message.rwResendTimes === 0) {
      throw new ResendError("payment still pending");
    }
    if (message.payload.includes("refused")) throw new Error("card refused");
    console.log(`handled ${message.payload} (rwResendTimes=${message.rwResendTimes})`);
  },
);
// The dead letters have a consumer of their own, on their own queue.
romeways.queueConsumer(
  deadLetters,
  { connectorName: "sqs-dev1", maxChunkSize: 10 },
  async (message: Message) => {
    console.log(
      `dead letter ${message.payload}: ${message.raw.headers?.["x-romeways-error"] ?? "?"}`,
    );
  },
);

romeways.connectorRegister({ connector: "sqs", config: connectorConfig });

let settled = 0;
const total = 5;
const settle = () => {
  if (++settled === total) void romeways.stop();
};
romeways.events.on("message:resent", ({ message, resendTimes }) => {
  console.log(`resent ${message.payload} (rwResendTimes -> ${resendTimes})`);
});
romeways.events.on("message:handled", settle);
romeways.events.on("app:stopped", () => console.log("stopped: every message settled"));

await romeways.start();

// Any SQS client can SendMessage to the queue; here, a send-only instance of the connector does.
const producer = new SqsQueueConnector(connectorConfig, { connectorName: "sqs-dev1" }, queue);
for (const payment of [
  "payment 1",
  "payment 2 pending",
  "payment 3",
  '{"id": 4}',
  "payment 5 refused",
]) {
  await producer.sendMessage({ body: new TextEncoder().encode(payment) });
}
await producer.stop();
