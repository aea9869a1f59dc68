import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { createRomeways, HandlerTimeoutError, ResendError } from "@romeways/core";
import { createTestHarness } from "@romeways/testing";
import { expect, test } from "vitest";

function appWith(
  queueConfig: { maxResends?: number; handlerTimeoutMs?: number },
  handler: () => unknown,
) {
  const app = createRomeways({ handleSignals: false });
  app.queueConsumer(
    "orders",
    {
      connectorName: "memory-main",
      queue: new MemoryQueue(),
      deadLetterQueue: "orders.dead",
      resendDelayMs: (resendTimes) => 1_000 * 2 ** (resendTimes - 1),
      ...queueConfig,
    },
    handler,
  );
  app.connectorRegister({
    connector: MemoryQueueConnector,
    config: { connectorName: "memory-main" },
  });
  return app;
}

test("resent after 1 s, 2 s and 4 s of virtual time, then dead-lettered, in milliseconds", async () => {
  const h = await createTestHarness(
    appWith({ maxResends: 3 }, () => {
      throw new ResendError("database down");
    }),
  );
  const startedAt = performance.now();
  h.publish("orders", "order 1");
  const handledAt: number[] = [];
  h.events.on("message:received", () => handledAt.push(h.clock.now()));
  await h.settled();
  expect(h.outcomes().map((o) => [o.outcome, o.rwResendTimes])).toEqual([
    ["resent", 0],
    ["resent", 1],
    ["resent", 2],
    ["dead-lettered", 3],
  ]);
  expect(handledAt).toEqual([0, 1_000, 3_000, 7_000]);
  const [letter] = h.deadLetters("orders.dead");
  expect(letter).toMatchObject({ payload: "order 1", rwResendTimes: 3, reason: "max-resends" });
  expect(letter?.raw.headers?.["x-romeways-error"]).toBe("database down");
  expect(performance.now() - startedAt).toBeLessThan(2_000);
  await h.stop();
});

test("a handler deadline follows the virtual clock", async () => {
  const h = await createTestHarness(
    appWith({ handlerTimeoutMs: 5_000 }, () => new Promise(() => {})),
  );
  const received = new Promise((resolve) => h.events.once("message:received", resolve));
  h.publish("orders", "stuck");
  await received;
  await h.clock.advance(4_999);
  expect(h.outcomes()).toEqual([]);
  await h.clock.advance(1);
  const [outcome] = await h.waitForOutcomes(1);
  expect(outcome).toMatchObject({ outcome: "dead-lettered", reason: "timeout" });
  expect(
    outcome?.outcome === "dead-lettered" && HandlerTimeoutError.isInstance(outcome.error),
  ).toBe(true);
  await h.stop();
});
