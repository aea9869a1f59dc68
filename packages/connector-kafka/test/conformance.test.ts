// The connector conformance suite of @romeways/testing, on the real broker: each queue is a
// fresh one-partition topic, and the instances of one queue form one consumer group.
import { fileURLToPath } from "node:url";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { createConformanceTopic, removeConformanceTopic } from "./conformance-queues.js";
import { CrashableKafkaConnector } from "./crashable-connector.js";
import { kafkaBrokers } from "./kafka-test-kit.js";

testConnector({
  describe,
  test,
  name: "KafkaQueueConnector",
  durable: true,
  connector: (queueName) => new CrashableKafkaConnector(kafkaBrokers(), queueName),
  createQueue: createConformanceTopic,
  removeQueue: removeConformanceTopic,
  // An abandoned member keeps heartbeating: whether the next member gets its partition is up to
  // the assignment. Cutting its connections, as a SIGKILL would, makes the handover certain.
  crash: (connector) => connector.crash(),
  workers: {
    entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
    env: { KAFKA_BROKERS: kafkaBrokers() },
  },
  timeoutMs: 60_000,
});
