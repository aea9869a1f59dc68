// The seed's example on Redis Streams: one stream, one consumer group, a resend, a dead letter.
// Run with a server: REDIS_URL=redis://127.0.0.1:6379 pnpm --filter @romeways/example-redis start
import { RedisQueueConnector } from "@romeways/connector-redis";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const connectorConfig = {
  connectorName: "redis-dev1",
  url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
};
// One run's streams; the test gives each run streams of its own.
const stream = process.env.REDIS_STREAM ?? "queue.payment.done";
const deadLetters = `${stream}.dead`;

const romeways = createRomeways();

romeways.queueConsumer(
  stream,
  {
    connectorName: "redis-dev1",
    group: "payments",
    maxChunkSize: 10,
    deadLetterQueue: deadLetters,
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
// The dead letters have a consumer of their own: in their own group, on their own stream.
romeways.queueConsumer(
  deadLetters,
  { connectorName: "redis-dev1", group: "payments-dead", maxChunkSize: 10 },
  async (message: Message) => {
    console.log(
      `dead letter ${message.payload}: ${message.raw.headers?.["x-romeways-error"] ?? "?"}`,
    );
  },
);

romeways.connectorRegister({ connector: "redis", config: connectorConfig });

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

// Any Redis client can XADD to the stream; here, a send-only instance of the connector does.
const producer = new RedisQueueConnector(
  connectorConfig,
  { connectorName: "redis-dev1", group: "payments" },
  stream,
);
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
