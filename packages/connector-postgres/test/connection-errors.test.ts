// A broken connection is never swallowed: a poll that cannot reach the database rejects (core
// reports it as connector:error, phase poll, and retries), a dropped LISTEN connection is
// reported through the context and reopened.
import { Socket } from "node:net";
import { PostgresQueueConnector } from "@romeways/connector-postgres";
import { afterEach, describe, expect, test } from "vitest";
import { connectorConfig, newQueueName, testPool, text, waitUntil } from "./postgres-test-kit.js";

const started: PostgresQueueConnector[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((instance) => instance.stop()));
});

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

describe("connection errors", () => {
  test("a dropped LISTEN connection is reported, reopened, and the next message still wakes the poll", async () => {
    const queue = newQueueName("listen-drop");
    const applicationName = `rw-${queue}`;
    const reported: unknown[] = [];
    // A minute between fallback looks: only a notification can wake the poll in time.
    const instance = new PostgresQueueConnector(
      connectorConfig({ pollIntervalMs: 60_000, pool: { application_name: applicationName } }),
      { connectorName: "postgres-test" },
      queue,
      { reportError: (error) => reported.push(error) },
    );
    await instance.start();
    started.push(instance);
    const listenerPids = async () =>
      (
        await testPool().query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
          [applicationName],
        )
      ).rows.map((row) => row.pid);
    const [first] = await listenerPids();
    expect(first).toBeDefined();
    await testPool().query("SELECT pg_terminate_backend($1)", [first]);
    await waitUntil("the drop is reported", () => reported.length > 0);
    expect(messageOf(reported[0])).toContain("LISTEN connection");
    await waitUntil("a new LISTEN connection is open", async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== first;
    });
    const waiting = instance.getMessages(10, new AbortController().signal);
    const sent = performance.now();
    await instance.sendMessage({ body: Buffer.from("after the drop") });
    const taken = await waiting;
    expect(taken.map((message) => text(message.body))).toEqual(["after the drop"]);
    expect(performance.now() - sent).toBeLessThan(5_000);
  });

  test("a poll rejects while the database cannot be reached, and works again once it can", async () => {
    const queue = newQueueName("unreachable");
    const sockets = new Set<Socket>();
    let reachable = true;
    const reported: unknown[] = [];
    const instance = new PostgresQueueConnector(
      connectorConfig({
        pollIntervalMs: 100,
        pool: {
          stream: () => {
            const socket = new Socket();
            if (reachable) sockets.add(socket);
            else
              process.nextTick(() =>
                socket.destroy(new Error("connect ECONNREFUSED (cut by the test)")),
              );
            return socket;
          },
        },
      }),
      { connectorName: "postgres-test" },
      queue,
      { reportError: (error) => reported.push(error) },
    );
    await instance.start();
    started.push(instance);
    reachable = false;
    for (const socket of sockets) socket.destroy();
    await expect(instance.getMessages(10, new AbortController().signal)).rejects.toThrow(
      /ECONNREFUSED|terminated|Connection/i,
    );
    expect(reported.length).toBeGreaterThan(0);
    reachable = true;
    await testPool().query(`INSERT INTO romeways_messages (queue, body) VALUES ($1, 'back')`, [
      queue,
    ]);
    const taken = await instance.getMessages(10, new AbortController().signal);
    expect(taken.map((message) => text(message.body))).toEqual(["back"]);
  });
});
