// The seed's example on Kafka: one topic, one consumer group, a resend.
// Run with a broker: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @romeways/example-kafka start
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const connectorConfig = {
  connectorName: "kafka-dev1",
  brokers: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
  // Lets this demo create its topic; in production, create topics on purpose.
  allowAutoTopicCreation: true,
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

// Any Kafka producer works; here, a send-only instance of the connector publishes to the topic.
const producer = new KafkaQueueConnector(
  connectorConfig,
  { connectorName: "kafka-dev1", topic, groupId: "payments" },
  "queue.payment.done",
);
for (const [key, payment] of [
  ["p1", "payment 1"],
  ["p2", "payment 2 pending"],
  ["p3", "payment 3"],
  ["p4", '{"id": 4}'],
] as const) {
  await producer.sendMessage({ key, body: new TextEncoder().encode(payment) });
}
await producer.stop();
