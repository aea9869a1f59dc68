import { fileURLToPath } from "node:url";
import { MemoryQueueConnector } from "@romeways/connector-memory";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";

// Instances built with one queue name share `MemoryQueue.named(queueName)`. Unacknowledged
// messages go back to the queue when the connector stops (redelivery), but the queue lives in
// this process: the memory connector is not durable. Its workers reach the parent's queues.
testConnector({
  describe,
  test,
  name: "MemoryQueueConnector",
  connector: (queueName) =>
    new MemoryQueueConnector({ connectorName: "memory" }, { connectorName: "memory" }, queueName),
  durable: false,
  workers: { entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)) },
});
