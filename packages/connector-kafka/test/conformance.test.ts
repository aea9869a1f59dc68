// The connector conformance suite of @romeways/testing, on the real broker: each queue is a
// fresh one-partition topic, and the instances of one queue form one consumer group.
import { connect, Socket } from "node:net";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import type { Connector } from "@romeways/core";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { connectorConfig, kafkaAdmin } from "./kafka-test-kit.js";

/** What the suite's crash() needs to end an instance as a killed process would. */
const crashSwitches = new WeakMap<Connector, () => void>();

/**
 * An instance whose connections can be cut for good, as a SIGKILL cuts a process's: it then
 * neither commits nor heartbeats, and the broker evicts it after its session timeout.
 */
function crashableConnector(queueName: string): KafkaQueueConnector {
  const sockets = new Set<Socket>();
  let crashed = false;
  const connector = new KafkaQueueConnector(
    connectorConfig({
      socketFactory: ({ host, port, onConnect }) => {
        if (crashed) {
          const refused = new Socket();
          process.nextTick(() => refused.destroy(new Error("the process crashed")));
          return refused;
        }
        const socket = connect({ host, port }, onConnect);
        sockets.add(socket);
        return socket;
      },
      // A crashed instance retries, fails and logs; the test only cares about the survivor.
      logLevel: 0,
    }),
    {
      connectorName: "kafka-test",
      groupId: `${queueName}-group`,
      fromBeginning: true,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
    },
    queueName,
  );
  crashSwitches.set(connector, () => {
    crashed = true;
    for (const socket of sockets) socket.destroy();
  });
  return connector;
}

testConnector({
  describe,
  test,
  name: "KafkaQueueConnector",
  durable: true,
  connector: crashableConnector,
  createQueue: async () => {
    const topic = `romeways-conformance-${crypto.randomUUID().slice(0, 8)}`;
    await (await kafkaAdmin()).createTopics({
      waitForLeaders: true,
      // Room for the suite's 1 MiB body plus the record's overhead.
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [{ name: "max.message.bytes", value: "2097152" }],
        },
      ],
    });
    return topic;
  },
  removeQueue: async (topic) => {
    const admin = await kafkaAdmin();
    await admin.deleteGroups([`${topic}-group`]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  },
  crash: (connector) => crashSwitches.get(connector)?.(),
  timeoutMs: 60_000,
});
