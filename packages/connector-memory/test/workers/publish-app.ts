// A program whose "orders" consumer runs in a worker process and publishes from its handler:
// to "invoices" (a memory connector that runs in the parent, so over IPC), with a key, a header
// and delayMs, and through romeways.producer("mem") to "audit", which no consumer of "mem" reads.
// The parent consumes "invoices" and "audit" and prints each as a JSON line. Env: ORDERS (count).
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, romewaysHeaders } from "@romeways/core";

const orders = Number(process.env.ORDERS ?? 3);
const print = (line: object) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...line })}\n`);

const romeways = createRomeways({
  shutdownTimeoutMs: 10_000,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
const ordersQueue = new MemoryQueue();

romeways.queueConsumer("orders", { connectorName: "mem", queue: ordersQueue }, async (message) => {
  await romeways.publish(
    "invoices",
    { order: message.payload, worker: process.pid },
    { key: message.payload, headers: { "x-from": "worker" }, delayMs: 200 },
  );
  await romeways.producer("mem").publish("audit", `order ${message.payload} invoiced`);
  print({ published: message.payload });
});
romeways.queueConsumer("invoices", { connectorName: "local" }, (message) => {
  print({
    invoiced: JSON.parse(message.payload),
    key: message.raw.key,
    from: message.raw.headers?.["x-from"],
    notBefore: Number(message.raw.headers?.[romewaysHeaders.notBefore]),
    at: Date.now(),
  });
});
romeways.queueConsumer("audit", { connectorName: "local" }, (message) => {
  print({ audit: message.payload });
});
romeways.connectorRegister({
  connector: MemoryQueueConnector,
  config: { connectorName: "mem" },
  spawnProcess: true,
});
romeways.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "local" } });

if (!romeways.isWorker) {
  // A worker's events reach the parent: its publishes too.
  romeways.events.on("message:published", (e) => {
    if (e.queueName === "invoices") print({ event: "message:published", queue: e.queueName });
  });
}
await romeways.start();
if (!romeways.isWorker) {
  print({ event: "parent:started" });
  // The parent publishes to the worker's queue: the worker takes it through the parent's host.
  for (let i = 0; i < orders; i++) await romeways.publish("orders", `o-${i}`);
}
