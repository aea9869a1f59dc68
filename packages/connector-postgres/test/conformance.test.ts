// The connector conformance suite of @romeways/testing on a real PostgreSQL server: every queue
// is a fresh queue name in the one default table, as an app's queues are.
import { Socket } from "node:net";
import { PostgresQueueConnector } from "@romeways/connector-postgres";
import type { Connector } from "@romeways/core";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { connectorConfig, newQueueName, testPool } from "./postgres-test-kit.js";

/** What the suite's crash() needs to end an instance as a killed process would. */
const crashSwitches = new WeakMap<Connector, () => void>();

/**
 * An instance whose connections can be cut for good, as a SIGKILL cuts a process's: it then
 * neither renews its leases nor releases anything, and its messages come back when the leases
 * run out (visibilityTimeoutMs, short here).
 */
function crashableConnector(queueName: string): PostgresQueueConnector {
  const sockets = new Set<Socket>();
  let crashed = false;
  const connector = new PostgresQueueConnector(
    connectorConfig({
      visibilityTimeoutMs: 1_500,
      pool: {
        stream: () => {
          const socket = new Socket();
          if (crashed) process.nextTick(() => socket.destroy(new Error("the process crashed")));
          else sockets.add(socket);
          return socket;
        },
      },
    }),
    { connectorName: "postgres-test" },
    queueName,
    // A crashed instance fails to renew and to listen again; the test only cares about the survivor.
    { reportError: () => {} },
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
  name: "PostgresQueueConnector",
  durable: true,
  connector: crashableConnector,
  createQueue: () => newQueueName("conformance"),
  removeQueue: async (queue) => {
    await testPool().query(`DELETE FROM romeways_messages WHERE queue = $1`, [queue]);
  },
  crash: (connector) => crashSwitches.get(connector)?.(),
  timeoutMs: 30_000,
});
