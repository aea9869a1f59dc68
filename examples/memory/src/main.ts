// The seed's example in TypeScript: a memory queue, one consumer, a resend.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type Message, ResendError } from "@romeways/core";

const romeways = createRomeways();
const queue = new MemoryQueue();

romeways.queueConsumer(
  "queue.payment.done",
  { connectorName: "memory-dev1", frequency: 0.2, maxChunkSize: 10, sequential: false, queue },
  async (message: Message) => {
    // Ask for a second look at payments that are not settled yet.
    if (message.payload.includes("pending") && message.rwResendTimes === 0) {
      throw new ResendError("payment still pending");
    }
    console.log(`handled ${message.payload} (rwResendTimes=${message.rwResendTimes})`);
  },
);

romeways.connectorRegister({
  connector: MemoryQueueConnector,
  config: { connectorName: "memory-dev1" },
});

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
for (const payment of ["payment 1", "payment 2 pending", "payment 3", '{"id": 4}']) {
  queue.put(payment);
}
