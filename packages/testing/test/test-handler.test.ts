import { createRomeways, getRegisteredConnector, ResendError } from "@romeways/core";
import { createTestHarness, FakeConnector, testHandler } from "@romeways/testing";
import { describe, expect, test } from "vitest";

describe("testHandler", () => {
  test("runs one handler on a list of payloads and returns their outcomes in order", async () => {
    const outcomes = await testHandler(
      async (message) => {
        if (message.payload === "bad") throw new Error("bad payload");
        if (message.payload === "later" && message.rwResendTimes === 0)
          throw new ResendError("wait");
      },
      ["good", "bad", "later"],
    );
    expect(outcomes.map((o) => [o.outcome, o.payload, o.rwResendTimes])).toEqual([
      ["handled", "good", 0],
      ["failed", "bad", 0],
      ["resent", "later", 0],
      ["handled", "later", 1],
    ]);
  });

  test("takes the queue settings, e.g. maxResends and a dead-letter queue", async () => {
    const outcomes = await testHandler(
      async () => {
        throw new ResendError("never");
      },
      ["stuck"],
      { maxResends: 1, deadLetterQueue: "stuck.dead", queueName: "stuck" },
    );
    expect(outcomes).toMatchObject([
      { outcome: "resent", queueName: "stuck" },
      { outcome: "dead-lettered", reason: "max-resends", deadLetterQueue: "stuck.dead" },
    ]);
  });
});

describe("the fake connector's registration", () => {
  test('importing @romeways/testing registers the fake connector as "fake"', async () => {
    expect(getRegisteredConnector("fake")).toBe(FakeConnector);
    const app = createRomeways({ handleSignals: false });
    app.queueConsumer("by-name", { connectorName: "f" }, async () => {});
    app.connectorRegister({ connector: "fake", config: { connectorName: "f" } });
    const h = await createTestHarness(app);
    h.publish("by-name", "x");
    await h.settled();
    expect(h.outcomes().map((o) => o.outcome)).toEqual(["handled"]);
    await h.stop();
  });
});
