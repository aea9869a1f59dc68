import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, type Handler, type Message, ResendError } from "@romeways/core";
import { createTestHarness, FakeConnector } from "@romeways/testing";
import { describe, expect, test } from "vitest";

/** A user's app as its own code registers it: memory connectors, one in a worker process. */
function createUserApp(
  handler: Handler,
  queueConfig: {
    frequency?: number;
    maxChunkSize?: number;
    maxResends?: number;
    deadLetterQueue?: string;
  } = {},
) {
  const app = createRomeways({ handleSignals: false });
  const queue = new MemoryQueue();
  app.queueConsumer("orders", { connectorName: "memory-main", queue, ...queueConfig }, handler);
  app.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "memory-main" },
    spawnProcess: true,
  });
  return { app, queue };
}

const payloads = (outcomes: { payload: string | null }[]) => outcomes.map((o) => o.payload);

describe("createTestHarness", () => {
  test("runs the user's app with its memory connectors swapped for fakes, handlers unchanged", async () => {
    const seen: Message[] = [];
    const { app, queue } = createUserApp(async (message) => {
      seen.push(message);
    });
    const h = await createTestHarness(app);
    h.publish("orders", "order 1");
    h.publish("orders", new TextEncoder().encode("order 2"));
    await h.settled();
    expect(seen.map((m) => [m.queueName, m.payload])).toEqual([
      ["orders", "order 1"],
      ["orders", "order 2"],
    ]);
    expect(h.outcomes().map((o) => o.outcome)).toEqual(["handled", "handled"]);
    // The user's real queue and worker process are not involved.
    expect(queue.size).toBe(0);
    expect(h.app.registrations.connectors).toMatchObject([
      { connectorName: "memory-main", connector: FakeConnector, spawnProcess: false },
    ]);
    await h.stop();
  });

  test("a resent message comes back with rwResendTimes 1 and is then handled", async () => {
    const { app } = createUserApp(async (message) => {
      if (message.rwResendTimes === 0) throw new ResendError("not ready yet");
    });
    const h = await createTestHarness(app);
    h.publish("orders", "order 7");
    await h.settled();
    expect(h.outcomes().map((o) => [o.outcome, o.payload, o.rwResendTimes])).toEqual([
      ["resent", "order 7", 0],
      ["handled", "order 7", 1],
    ]);
    expect(h.sent("orders").map((m) => [m.payload, m.rwResendTimes])).toEqual([["order 7", 1]]);
    await h.stop();
  });

  test("a message resent maxResends times lands in the dead-letter queue with the reason", async () => {
    const { app } = createUserApp(
      async () => {
        throw new ResendError("never ready");
      },
      { maxResends: 2, deadLetterQueue: "orders.dead" },
    );
    const h = await createTestHarness(app);
    h.publish("orders", "order 9");
    await h.settled();
    expect(h.outcomes().map((o) => [o.outcome, o.rwResendTimes])).toEqual([
      ["resent", 0],
      ["resent", 1],
      ["dead-lettered", 2],
    ]);
    const [deadLetter] = h.deadLetters("orders.dead");
    expect(deadLetter).toMatchObject({
      payload: "order 9",
      rwResendTimes: 2,
      reason: "max-resends",
      sourceQueue: "orders",
    });
    await h.stop();
  });

  test("a handler that throws fails the message, or dead-letters it when a dead-letter queue is set", async () => {
    const failing = async () => {
      throw new Error("card declined");
    };
    const withoutQueue = await createTestHarness(createUserApp(failing).app);
    withoutQueue.publish("orders", "order 3");
    await withoutQueue.settled();
    const [failed] = withoutQueue.outcomes();
    expect(failed?.outcome).toBe("failed");
    expect(failed?.outcome === "failed" && failed.error.message).toBe("card declined");
    await withoutQueue.stop();

    const withQueue = await createTestHarness(
      createUserApp(failing, { deadLetterQueue: "orders.dead" }).app,
    );
    withQueue.publish("orders", "order 4");
    await withQueue.settled();
    expect(withQueue.outcomes().map((o) => o.outcome)).toEqual(["dead-lettered"]);
    expect(withQueue.deadLetters("orders.dead")).toMatchObject([
      { payload: "order 4", reason: "failed", error: "card declined" },
    ]);
    await withQueue.stop();
  });

  test("a message without a body is discarded without reaching the handler", async () => {
    let calls = 0;
    const h = await createTestHarness(createUserApp(async () => void calls++).app);
    h.publish("orders", { body: null, key: "tombstone" });
    await h.settled();
    expect(h.outcomes()).toMatchObject([{ outcome: "discarded", payload: null }]);
    expect(calls).toBe(0);
    await h.stop();
  });

  test("with frequency 60 s, one message a poll is handled each virtual minute, and the test does not wait", async () => {
    const handledAt: number[] = [];
    const h = await createTestHarness(
      createUserApp(async () => void handledAt.push(h.clock.now()), {
        frequency: 60,
        maxChunkSize: 1,
      }).app,
    );
    for (const order of ["a", "b", "c"]) h.publish("orders", order);
    const realStart = performance.now();
    await h.settled();
    expect(handledAt).toEqual([0, 60_000, 120_000]);
    expect(performance.now() - realStart).toBeLessThan(5_000);
    await h.stop();
  });

  test("a test can move the clock by hand: the next poll waits for the full minute", async () => {
    const h = await createTestHarness(
      createUserApp(async () => {}, { frequency: 60, maxChunkSize: 1 }).app,
    );
    h.publish("orders", "first");
    h.publish("orders", "second");
    await h.waitForOutcomes(1);
    await h.clock.advance(59_999);
    expect(payloads(h.outcomes())).toEqual(["first"]);
    await h.clock.advance(1);
    expect(payloads(await h.waitForOutcomes(2))).toEqual(["first", "second"]);
    await h.stop();
  });

  test("settled() fails naming the stuck queue when a handler never finishes", async () => {
    const { app } = createUserApp(() => new Promise(() => {}));
    const h = await createTestHarness(app, { timeoutMs: 200, shutdownTimeoutMs: 0 });
    h.publish("orders", "forever");
    await expect(h.settled()).rejects.toThrow(/"orders": 0 waiting, 1 in flight/);
    await h.stop();
  });

  test("settled() gives up on a handler that asks for a resend forever, instead of hanging", async () => {
    const { app } = createUserApp(
      async () => {
        throw new ResendError("never ready");
      },
      { frequency: 60 },
    );
    const h = await createTestHarness(app, { timeoutMs: 300 });
    h.publish("orders", "forever");
    await expect(h.settled()).rejects.toThrow(/settled\(\) still waiting after 300 ms/);
    expect(h.outcomes().length).toBeGreaterThan(1);
    await h.stop();
  });

  test("publishing to a queue the app does not consume fails, naming the queues it does", async () => {
    const h = await createTestHarness(createUserApp(async () => {}).app);
    expect(() => h.publish("order", "typo")).toThrow(/no consumer for queue "order".*"orders"/);
    await h.stop();
  });

  test("two connectors with a queue of the same name are told apart by connectorName", async () => {
    const app = createRomeways({ handleSignals: false });
    const handledBy: string[] = [];
    for (const connectorName of ["eu", "us"]) {
      app.queueConsumer(
        "orders",
        { connectorName },
        async () => void handledBy.push(connectorName),
      );
      app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName } });
    }
    const h = await createTestHarness(app);
    expect(() => h.publish("orders", "where?")).toThrow(/several connectors/);
    h.publish("orders", "to the us", { connectorName: "us" });
    await h.settled();
    expect(handledBy).toEqual(["us"]);
    expect(h.broker("us").queue("orders").waiting).toEqual([]);
    await h.stop();
  });

  test("the app's events reach h.events", async () => {
    const h = await createTestHarness(createUserApp(async () => {}).app);
    const handled: string[] = [];
    h.events.on("message:handled", ({ message }) => handled.push(message.payload));
    h.publish("orders", "evented");
    await h.settled();
    expect(handled).toEqual(["evented"]);
    await h.stop();
  });
});
