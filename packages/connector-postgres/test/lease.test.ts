// Leases: what a dead consumer held comes back when its lease runs out, a slow handler keeps
// its message while its lease is renewed, and stop() hands back at once what it held.
import { performance } from "node:perf_hooks";
import type { PostgresQueueConnector } from "@romeways/connector-postgres";
import { afterEach, describe, expect, test } from "vitest";
import { connector, newQueueName, queueCounts, testPool, text } from "./postgres-test-kit.js";

const started: PostgresQueueConnector[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((instance) => instance.stop()));
});

async function consumer(queue: string, visibilityTimeoutMs = 30_000) {
  const instance = connector(queue, { visibilityTimeoutMs });
  await instance.start();
  started.push(instance);
  return instance;
}

const body = (value: string) => ({ body: Buffer.from(value) });

describe("leases", () => {
  test("a message whose holder died comes back when its lease runs out, and wakes a waiting poll", async () => {
    const queue = newQueueName("expiry");
    const survivor = await consumer(queue);
    await survivor.sendMessage(body("orphan"));
    // A consumer that took the row and died: its lease ends in 800 ms and nobody renews it.
    await testPool().query(
      `UPDATE romeways_messages SET lease_until = now() + interval '800 milliseconds', lease_owner = 'dead'
       WHERE queue = $1`,
      [queue],
    );
    const waited = performance.now();
    const taken = await survivor.getMessages(10, new AbortController().signal);
    const waitedMs = performance.now() - waited;
    console.log(
      `[postgres] an expired lease reached a waiting poll after ${waitedMs.toFixed(0)} ms (lease 800 ms)`,
    );
    expect(taken.map((message) => text(message.body))).toEqual(["orphan"]);
    // No notification comes for an expiring lease: the poll timed its look by the lease's end.
    expect(waitedMs).toBeGreaterThan(600);
    expect(waitedMs).toBeLessThan(3_000);
  });

  test("a slow handler keeps its message past the visibility timeout: the lease is renewed", async () => {
    const queue = newQueueName("renewal");
    const slow = await consumer(queue, 600);
    const other = await consumer(queue, 600);
    await slow.sendMessage(body("slow"));
    const [message] = await slow.getMessages(1, new AbortController().signal);
    expect(text(message?.body ?? null)).toBe("slow");
    // Four visibility timeouts without an ack: the other consumer must not get the message.
    const aborter = new AbortController();
    const timer = setTimeout(() => aborter.abort(), 2_400);
    const meanwhile = await other.getMessages(10, aborter.signal);
    clearTimeout(timer);
    expect(meanwhile).toEqual([]);
    expect(await queueCounts(queue)).toMatchObject({ leased: 1, waiting: 0 });
    await slow.ack([message as NonNullable<typeof message>]);
    expect(await queueCounts(queue)).toEqual({ leased: 0, waiting: 0, done: 0 });
  });

  test("stop() hands back what was taken and not acknowledged at once, and wakes a waiting poll", async () => {
    const queue = newQueueName("release");
    const first = connector(queue);
    await first.start();
    const second = await consumer(queue);
    for (const value of ["a", "b", "c"]) await first.sendMessage(body(value));
    const held = await first.getMessages(3, new AbortController().signal);
    expect(held).toHaveLength(3);
    const waiting = second.getMessages(10, new AbortController().signal);
    const stopped = performance.now();
    await first.stop();
    const taken = await waiting;
    const handedBackMs = performance.now() - stopped;
    console.log(
      `[postgres] 3 messages handed back by stop() reached a waiting poll in ${handedBackMs.toFixed(0)} ms`,
    );
    expect(taken.map((message) => text(message.body))).toEqual(["a", "b", "c"]);
    // Far below the 30 s visibility timeout: the lease was cleared, not left to run out.
    expect(handedBackMs).toBeLessThan(2_000);
  });

  test("with retentionMs, ack marks a message done and keeps it; it is not delivered again", async () => {
    const queue = newQueueName("retention");
    const instance = connector(queue, { retentionMs: 60_000 });
    await instance.start();
    started.push(instance);
    await instance.sendMessage(body("kept"));
    await instance.sendMessage(body("sentinel"));
    const [kept] = await instance.getMessages(1, new AbortController().signal);
    await instance.ack([kept as NonNullable<typeof kept>]);
    expect(await queueCounts(queue)).toEqual({ waiting: 1, leased: 0, done: 1 });
    const next = await instance.getMessages(10, new AbortController().signal);
    expect(next.map((message) => text(message.body))).toEqual(["sentinel"]);
  });
});
