// listen: false (a pooler in transaction mode, where LISTEN does not work): polls look at the
// table every pollIntervalMs instead of waiting for a notification.
import { performance } from "node:perf_hooks";
import { describe, expect, onTestFinished, test } from "vitest";
import { connector, newQueueName, testPool, text } from "./postgres-test-kit.js";

describe("without LISTEN", () => {
  test("a waiting poll finds a message within pollIntervalMs, and no LISTEN connection is opened", async () => {
    const queue = newQueueName("polling");
    const applicationName = `rw-${queue}`;
    const instance = connector(queue, {
      listen: false,
      pollIntervalMs: 300,
      pool: { application_name: applicationName },
    });
    await instance.start();
    onTestFinished(() => instance.stop());
    const waiting = instance.getMessages(10, new AbortController().signal);
    // Inserted by another client, as a producer behind the pooler would.
    await testPool().query(`INSERT INTO romeways_messages (queue, body) VALUES ($1, 'polled')`, [
      queue,
    ]);
    const inserted = performance.now();
    const taken = await waiting;
    const foundMs = performance.now() - inserted;
    console.log(
      `[postgres] without LISTEN, a message was found ${foundMs.toFixed(0)} ms after its insert (pollIntervalMs 300)`,
    );
    expect(taken.map((message) => text(message.body))).toEqual(["polled"]);
    expect(foundMs).toBeLessThan(1_500);
    const listeners = await testPool().query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
      [applicationName],
    );
    expect(listeners.rowCount).toBe(0);
  });

  test("an abort still ends a waiting poll at once", async () => {
    const queue = newQueueName("polling");
    const instance = connector(queue, { listen: false, pollIntervalMs: 60_000 });
    await instance.start();
    onTestFinished(() => instance.stop());
    const aborter = new AbortController();
    const waiting = instance.getMessages(10, aborter.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const aborted = performance.now();
    aborter.abort();
    expect(await waiting).toEqual([]);
    expect(performance.now() - aborted).toBeLessThan(200);
  });
});
