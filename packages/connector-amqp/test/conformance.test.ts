// The connector conformance suite of @romeways/testing, on the real broker, over both durable
// queue types: each test's queue is a fresh durable queue, declared by the first instance.
import { fileURLToPath } from "node:url";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { amqpUrl, deleteQueue } from "./amqp-test-kit.js";
import { CrashableAmqpConnector } from "./crashable-connector.js";

for (const queueType of ["classic", "quorum"] as const) {
  testConnector({
    describe,
    test,
    name: `AmqpQueueConnector (${queueType} queue)`,
    durable: true,
    connector: (queueName, context) =>
      new CrashableAmqpConnector(amqpUrl(), queueName, { queueType }, context, { queueType }),
    removeQueue: deleteQueue,
    // A live instance's channel keeps what it holds: only a cut connection puts it back.
    crash: (connector) => connector.crash(),
    workers: {
      entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
      env: { AMQP_URL: amqpUrl(), AMQP_QUEUE_TYPE: queueType },
    },
    timeoutMs: 20_000,
  });
}
