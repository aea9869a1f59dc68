// The instances of one connector config (core builds one per queue) share one pool and one
// LISTEN connection in a process; the last to stop closes them.
import { PostgresQueueConnector } from "@romeways/connector-postgres";
import { describe, expect, test } from "vitest";
import { connectorConfig, newQueueName, testPool, text, waitUntil } from "./postgres-test-kit.js";

describe("one connector config, several queues", () => {
  test("share one LISTEN connection, each poll wakes for its own queue, and the last stop closes it", async () => {
    const applicationName = `rw-${newQueueName("shared")}`;
    const config = connectorConfig({
      pollIntervalMs: 60_000,
      pool: { application_name: applicationName },
    });
    const [first, second] = [newQueueName("a"), newQueueName("b")];
    const instances = [first, second].map(
      (queue) => new PostgresQueueConnector(config, { connectorName: "postgres-test" }, queue),
    );
    const [a, b] = instances as [PostgresQueueConnector, PostgresQueueConnector];
    await a.start();
    await b.start();
    const connections = async () => {
      const { rows } = await testPool().query<{ listening: number; all: number }>(
        `SELECT count(*) FILTER (WHERE query LIKE 'LISTEN%')::int AS listening, count(*)::int AS all
         FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      return rows[0] as { listening: number; all: number };
    };
    expect((await connections()).listening).toBe(1);

    // A minute between fallback looks: only a notification for its own queue wakes each poll.
    const waitingA = a.getMessages(10, new AbortController().signal);
    const waitingB = b.getMessages(10, new AbortController().signal);
    await b.sendMessage({ body: Buffer.from("for b") });
    expect((await waitingB).map((message) => text(message.body))).toEqual(["for b"]);
    await a.sendMessage({ body: Buffer.from("for a") });
    expect((await waitingA).map((message) => text(message.body))).toEqual(["for a"]);

    await a.stop();
    const waitingAgain = b.getMessages(10, new AbortController().signal);
    await testPool().query(`INSERT INTO romeways_messages (queue, body) VALUES ($1, 'still b')`, [
      second,
    ]);
    expect((await waitingAgain).map((message) => text(message.body))).toEqual(["still b"]);
    expect((await connections()).listening).toBe(1);
    await b.stop();
    // A backend leaves pg_stat_activity a moment after its client hung up.
    await waitUntil(
      "every connection of the config is closed",
      async () => (await connections()).all === 0,
    );
  });
});
