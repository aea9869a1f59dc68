// The seed's example on NATS JetStream: one subject with its stream, one durable consumer, a
// resend, a dead letter. Run with a server (nats-server -js):
//   NATS_URL=nats://127.0.0.1:4222 pnpm --filter @romeways/example-nats start
import "@romeways/connector-nats"; // registers "nats"
import { createRomeways, type Message, ResendError } from "@romeways/core";

// One run's subjects; the test gives each run subjects of its own.
const subject = process.env.NATS_SUBJECT ?? "queue.payment.done";
const deadLetters = `${subject}.dead`;

const romeways = createRomeways();

romeways.queueConsumer(
  subject,
  {
    connectorName: "nats-dev1",
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
// The dead letters have a consumer of their own, on their own subject and stream.
romeways.queueConsumer(
  deadLetters,
  { connectorName: "nats-dev1", group: "payments-dead", maxChunkSize: 10 },
  async (message: Message) => {
    console.log(
      `dead letter ${message.payload}: ${message.raw.headers?.["x-romeways-error"] ?? "?"}`,
    );
  },
);

romeways.connectorRegister({
  connector: "nats",
  config: { connectorName: "nats-dev1", servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222" },
});

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

// Any NATS client can publish to the subject; here, romeways' producer does. The key becomes
// the message's Nats-Msg-Id (with a digest of its content): a retried publish is stored once.
for (const [key, payment] of [
  ["p1", "payment 1"],
  ["p2", "payment 2 pending"],
  ["p3", "payment 3"],
  ["p4", '{"id": 4}'],
  ["p5", "payment 5 refused"],
] as const) {
  await romeways.publish(subject, payment, { key });
}
