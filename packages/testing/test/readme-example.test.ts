// The "Testing your handlers" example of packages/testing/README.md, as written there.
import { createTestHarness, testHandler } from "@romeways/testing";
import { expect, test } from "vitest";
import { createPaymentsApp, handlePayment } from "./payments-app.js";

test("a settled payment is handled", async () => {
  const outcomes = await testHandler(handlePayment, ['{"id": 1, "status": "settled"}']);
  expect(outcomes).toMatchObject([{ outcome: "handled", rwResendTimes: 0 }]);
});

test("a pending payment is retried every minute, then dead-lettered", async () => {
  const h = await createTestHarness(createPaymentsApp());
  h.publish("payments", JSON.stringify({ id: 2, status: "pending" }));
  await h.settled(); // three polls a minute apart: the virtual clock moves, the test does not wait

  expect(h.outcomes().map((o) => [o.outcome, o.rwResendTimes])).toEqual([
    ["resent", 0],
    ["resent", 1],
    ["dead-lettered", 2],
  ]);
  expect(h.clock.now()).toBe(120_000);
  expect(h.deadLetters("payments.dead")).toMatchObject([
    { payload: '{"id":2,"status":"pending"}', reason: "max-resends", sourceQueue: "payments" },
  ]);
  await h.stop();
});

test("an invalid payment goes to the dead-letter queue with its error", async () => {
  const h = await createTestHarness(createPaymentsApp());
  h.publish("payments", JSON.stringify({ id: 3, status: "invalid" }));
  await h.settled();

  const [outcome] = h.outcomes("payments");
  expect(outcome?.outcome).toBe("dead-lettered");
  expect(h.deadLetters("payments.dead")[0]?.error).toBe("payment 3 is invalid");
  await h.stop();
});
