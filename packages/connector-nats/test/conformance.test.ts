// The connector conformance suite of @romeways/testing, on the real server: each queue is a
// subject with a stream of its own, and the instances of one queue share one durable consumer.
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { CrashableNatsConnector, connectorConfig, natsUrl, queueConfig } from "./nats-test-kit.js";

testConnector({
  describe,
  test,
  name: "NatsQueueConnector",
  durable: true,
  connector: (queueName, context) =>
    new CrashableNatsConnector(
      connectorConfig(),
      // A crashed consumer's messages come back after a second.
      queueConfig(queueName, { ackWaitMs: 1_000 }),
      queueName,
      context,
    ),
  removeQueue: async (queueName) => {
    const nc = await connect({ servers: natsUrl() });
    try {
      await (await jetstreamManager(nc)).streams.delete(queueName).catch(() => false);
    } finally {
      await nc.close();
    }
  },
  // A live instance keeps sending working() for what it holds: only a cut connection lets it go.
  crash: (connector) => connector.crash(),
  workers: {
    entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
    env: { NATS_URL: natsUrl() },
  },
  timeoutMs: 20_000,
});
