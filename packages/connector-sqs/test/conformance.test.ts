// The connector conformance suite of @romeways/testing on the real server, for a standard queue
// (at least once, no order) and a FIFO queue (ordered by group).
import { fileURLToPath } from "node:url";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { CrashableSqsConnector } from "./crashable-connector.js";
import { deleteQueue, sqsEndpoint, testQueueName } from "./sqs-test-kit.js";

for (const fifo of [false, true]) {
  testConnector({
    describe,
    test,
    name: fifo ? "SqsQueueConnector (FIFO queue)" : "SqsQueueConnector (standard queue)",
    connector: (queueName, context) => new CrashableSqsConnector(sqsEndpoint(), queueName, context),
    createQueue: () => testQueueName(fifo),
    removeQueue: (queueName) => deleteQueue(queueName),
    // Taken messages are invisible for visibilityTimeout: after a crash they come back.
    durable: true,
    crash: (connector) => connector.crash(),
    // A standard queue may deliver out of order; a FIFO queue keeps a group's order.
    ordered: fifo,
    // 256 KiB per message; bytes that are not text travel as base64 (4/3 as long).
    maxBodyBytes: 180 * 1024,
    manyMessages: 500,
    // Two spawnProcess workers on one queue: once, on the standard queue.
    ...(!fifo && {
      workers: {
        entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
        env: { SQS_ENDPOINT: sqsEndpoint() },
      },
    }),
    timeoutMs: 30_000,
  });
}
