import { FakeBroker, FakeConnector, testConnector } from "@romeways/testing";
import { describe, expect, test } from "vitest";

const broker = new FakeBroker();
const fake = (queueName: string) =>
  new FakeConnector({ connectorName: "fake", broker }, { connectorName: "fake" }, queueName);

testConnector({ describe, test, name: "FakeConnector", connector: fake });

describe("FakeConnector", () => {
  test("records every message sent to a queue, readable from its broker", async () => {
    const connector = fake("orders.dead");
    await connector.sendMessage({ body: new TextEncoder().encode("x"), headers: { h: "1" } });
    expect(broker.sent("orders.dead")).toEqual([
      { body: new TextEncoder().encode("x"), headers: { h: "1" } },
    ]);
  });

  test("a message published from outside the app is queued but not recorded as sent", () => {
    broker.publish("orders.published", { body: new TextEncoder().encode("in") });
    expect(broker.queue("orders.published").waiting).toHaveLength(1);
    expect(broker.sent("orders.published")).toEqual([]);
  });

  test("a sender reusing its buffer does not change what was sent", async () => {
    const body = new TextEncoder().encode("before");
    await fake("orders.copied").sendMessage({ body });
    body.fill(0);
    expect(
      new TextDecoder().decode(broker.queue("orders.copied").waiting[0]?.body ?? undefined),
    ).toBe("before");
  });

  test("polling before start() fails loudly, since a real broker would not deliver", async () => {
    await expect(fake("orders.early").getMessages(1, new AbortController().signal)).rejects.toThrow(
      /before start\(\)/,
    );
  });

  test("acknowledging a message the connector did not deliver fails loudly", async () => {
    const connector = fake("orders.foreign");
    await connector.start();
    await expect(connector.ack([{ body: null }])).rejects.toThrow(/did not deliver/);
    await connector.stop();
  });

  test("stop() hands back what was taken and not acknowledged, in its order", async () => {
    const first = fake("orders.restart");
    await first.start();
    for (const body of ["1", "2", "3"])
      broker.publish("orders.restart", { body: new TextEncoder().encode(body) });
    const taken = await first.getMessages(3, new AbortController().signal);
    await first.ack(taken.slice(1, 2));
    expect(broker.queue("orders.restart").inFlightCount).toBe(2);
    await first.stop();
    const waiting = broker
      .queue("orders.restart")
      .waiting.map((m) => new TextDecoder().decode(m.body ?? undefined));
    expect(waiting).toEqual(["1", "3"]);
  });

  test("connectors configured without a broker share FakeBroker.shared", async () => {
    const connector = new FakeConnector(
      { connectorName: "fake" },
      { connectorName: "fake" },
      "orders.shared",
    );
    await connector.sendMessage({ body: null });
    expect(FakeBroker.shared.sent("orders.shared")).toHaveLength(1);
  });
});
