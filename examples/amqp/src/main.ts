// The seed's example on RabbitMQ: one quorum queue, a resend, a dead letter on a queue of its own.
// Run with a broker: AMQP_URL=amqp://guest:guest@127.0.0.1:5672 pnpm --filter @romeways/example-amqp start
import { AmqpQueueConnector } from "@romeways/connector-amqp";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const connectorConfig = {
  connectorName: "rabbit-dev1",
  url: process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  // Queues this connector declares without a queue config of their own (the dead letters) too.
  queueType: "quorum" as const,
};
// One run's queues; the test gives each run queues of its own.
const queue = process.env.AMQP_QUEUE ?? "queue.payment.done";
const deadLetters = `${queue}.dead`;

const romeways = createRomeways();

romeways.queueConsumer(
  queue,
  {
    connectorName: "rabbit-dev1",
    maxChunkSize: 10,
    deadLetterQueue: deadLetters,
    resendDelayMs: 0,
  },
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
  { connectorName: "rabbit-dev1", maxChunkSize: 10 },
  async (message: Message) => {
    console.log(
      `dead letter ${message.payload}: ${message.raw.headers?.["x-romeways-error"] ?? "?"}`,
    );
  },
);

romeways.connectorRegister({ connector: "amqp", config: connectorConfig });

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

// Any AMQP client can publish to the queue; here, a send-only instance of the connector does
// (with publisher confirms: each send resolves once RabbitMQ has the message).
const producer = new AmqpQueueConnector(connectorConfig, { connectorName: "rabbit-dev1" }, queue);
for (const [key, payment] of [
  ["p1", "payment 1"],
  ["p2", "payment 2 pending"],
  ["p3", "payment 3"],
  ["p4", '{"id": 4}'],
  ["p5", "payment 5 refused"],
] as const) {
  await producer.sendMessage({ key, body: new TextEncoder().encode(payment) });
}
await producer.stop();
