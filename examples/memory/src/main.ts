// Python romeways' README example in TypeScript: a memory queue whose consumer runs in a worker process
// (spawnProcess: true), with a resend. The parent produces; the worker handles.
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
    console.log(
      `[worker ${process.pid}] handled ${message.payload} (rwResendTimes=${message.rwResendTimes})`,
    );
  },
);

romeways.connectorRegister({
  connector: MemoryQueueConnector,
  config: { connectorName: "memory-dev1" },
  spawnProcess: true,
});

// Workers re-run this file: only the parent produces and decides when to stop.
if (!romeways.isWorker) {
  const payments = ["payment 1", "payment 2 pending", "payment 3", '{"id": 4}'];
  let handled = 0;
  romeways.events.on("worker:started", ({ pid }) =>
    console.log(`[parent ${process.pid}] worker ${pid} started`),
  );
  romeways.events.on("message:resent", ({ message, resendTimes }) => {
    console.log(
      `[parent ${process.pid}] resent ${message.payload} (rwResendTimes -> ${resendTimes})`,
    );
  });
  romeways.events.on("message:handled", () => {
    if (++handled === payments.length) void romeways.stop();
  });
  romeways.events.on("app:stopped", () =>
    console.log(`[parent ${process.pid}] stopped: every message handled`),
  );
  await romeways.start();
  for (const payment of payments) queue.put(payment);
} else {
  await romeways.start();
}
