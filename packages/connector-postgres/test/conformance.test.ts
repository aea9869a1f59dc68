// The connector conformance suite of @romeways/testing on a real PostgreSQL server: every queue
// is a fresh queue name in the one default table, as an app's queues are.
import { fileURLToPath } from "node:url";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { CrashablePostgresConnector } from "./crashable-connector.js";
import { databaseUrl, newQueueName, testPool } from "./postgres-test-kit.js";

testConnector({
  describe,
  test,
  name: "PostgresQueueConnector",
  durable: true,
  connector: (queueName, context) =>
    new CrashablePostgresConnector(databaseUrl(), queueName, context),
  createQueue: () => newQueueName("conformance"),
  removeQueue: async (queue) => {
    await testPool().query("DELETE FROM romeways_messages WHERE queue = $1", [queue]);
  },
  crash: (connector) => connector.crash(),
  workers: {
    entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
    env: { DATABASE_URL: databaseUrl() },
  },
  timeoutMs: 30_000,
});
