import { MemoryQueueConnector } from "@romeways/connector-memory";
import { ConfigError, createRomeways, type RawMessage } from "@romeways/core";
import { createTestHarness } from "@romeways/testing";
import { describe, expect, test } from "vitest";

/** A connector that fails any test that reaches the real broker. */
class RealBroker extends MemoryQueueConnector {
  override async sendMessage(_message: RawMessage): Promise<void> {
    throw new Error("the real broker was reached from a test");
  }
}

/** The user's app: orders are handled, each publishes an invoice; invoices are handled too. */
function createShopApp(publishOptions: { delayMs?: number } = {}) {
  const romeways = createRomeways({ handleSignals: false });
  const invoicedAt: number[] = [];
  let now = () => 0;
  romeways.queueConsumer("orders", { connectorName: "shop" }, async (message) => {
    await romeways.publish(
      "invoices",
      { order: message.payload },
      { key: message.payload, headers: { "x-source": "orders" }, ...publishOptions },
    );
  });
  romeways.queueConsumer("invoices", { connectorName: "shop" }, () => {
    invoicedAt.push(now());
  });
  romeways.connectorRegister({ connector: RealBroker, config: { connectorName: "shop" } });
  return { romeways, invoicedAt, setClock: (clock: () => number) => (now = clock) };
}

describe("the test harness and romeways.publish", () => {
  test("records what handlers publish, which the app's consumers then handle on the fakes", async () => {
    const { romeways } = createShopApp();
    const h = await createTestHarness(romeways);
    h.publish("orders", "o-1");
    await h.settled();
    const [invoice] = h.published("invoices");
    expect(invoice).toMatchObject({
      connectorName: "shop",
      queueName: "invoices",
      payload: '{"order":"o-1"}',
      raw: { key: "o-1", headers: { "x-source": "orders" } },
    });
    // The order's outcome comes once its handler's publish resolved: either may be first.
    expect(
      h
        .outcomes()
        .map((o) => `${o.queueName} ${o.outcome}`)
        .sort(),
    ).toEqual(["invoices handled", "orders handled"]);
    await h.stop();
  });

  test("a publish with delayMs is held until the virtual clock reaches its due time", async () => {
    const { romeways, invoicedAt, setClock } = createShopApp({ delayMs: 60_000 });
    const h = await createTestHarness(romeways);
    setClock(() => h.clock.now());
    h.publish("orders", "o-1");
    await h.waitForOutcomes(1, "orders");
    expect(invoicedAt).toEqual([]);
    await h.settled();
    expect(invoicedAt).toHaveLength(1);
    expect(invoicedAt[0]).toBeGreaterThanOrEqual(60_000);
    await h.stop();
  });

  test("the test itself publishes through the app, from outside any handler", async () => {
    const { romeways } = createShopApp();
    const h = await createTestHarness(romeways);
    await romeways.publish("orders", "o-2");
    await romeways.producer("shop").publish("audit", "not consumed here");
    await h.settled();
    expect(h.published().map((m) => [m.queueName, m.payload])).toEqual(
      expect.arrayContaining([
        ["orders", "o-2"],
        ["audit", "not consumed here"],
        ["invoices", '{"order":"o-2"}'],
      ]),
    );
    expect(h.published()).toHaveLength(3);
    expect(h.broker("shop").queue("audit").waiting).toHaveLength(1);
    await h.stop();
  });

  test("a publish to a queue the app does not consume is a ConfigError, as in production", async () => {
    const { romeways } = createShopApp();
    const h = await createTestHarness(romeways);
    await expect(romeways.publish("refunds", "x")).rejects.toSatisfy(
      (error) => ConfigError.isInstance(error) && /romeways\.producer/.test(error.message),
    );
    await h.stop();
  });

  test("after the harness stopped, the app publishes through its own connectors again", async () => {
    const { romeways } = createShopApp();
    const h = await createTestHarness(romeways);
    await h.stop();
    await expect(romeways.publish("orders", "x")).rejects.toThrow(/real broker was reached/);
  });
});
