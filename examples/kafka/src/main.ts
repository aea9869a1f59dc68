// The seed's example on Kafka: one topic, one consumer group, a resend.
// Run with a broker: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @romeways/example-kafka start
import "@romeways/connector-kafka";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const connectorConfig = {
  connectorName: "kafka-dev1",
  brokers: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
  // Lets this demo create its topic; in production, create topics on purpose.
  allowAutoTopicCreation: true,
  // The broker drops the duplicates a retried send would write.
  producer: { idempotent: true },
};
const topic = process.env.KAFKA_TOPIC ?? "queue.payment.done";

const romeways = createRomeways();

romeways.queueConsumer(
  "queue.payment.done",
  {
    connectorName: "kafka-dev1",
    topic,
    groupId: "payments",
    fromBeginning: true,
    maxChunkSize: 10,
  },
  async (message: Message) => {
    // Ask for a second look at payments that are not settled yet.
    if (message.payload.includes("pending") && message.rwResendTimes === 0) {
      throw new ResendError("payment still pending");
    }
    console.log(`handled ${message.payload} (rwResendTimes=${message.rwResendTimes})`);
  },
);

romeways.connectorRegister({ connector: "kafka", config: connectorConfig });

let settled = 0;
const total = 4;
romeways.events.on("message:resent", ({ message, resendTimes }) => {
  console.log(`resent ${message.payload} (rwResendTimes -> ${resendTimes})`);
});
romeways.events.on("message:handled", () => {
  if (++settled === total) void romeways.stop();
});
romeways.events.on("app:stopped", () => console.log("stopped: every message handled"));

await romeways.start();

// romeways publishes through the connector that serves the queue: its shared producer, which
// resolves each publish once the broker has the message (acks "all").
for (const [key, payment] of [
  ["p1", "payment 1"],
  ["p2", "payment 2 pending"],
  ["p3", "payment 3"],
  ["p4", '{"id": 4}'],
] as const) {
  await romeways.publish("queue.payment.done", payment, { key });
}
