import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { InvalidPayloadError } from "../src/index.js";
import { bodyText, collectEvents, memoryApp } from "./support.js";

const Order = z.object({ id: z.string(), qty: z.number().int().positive() });

/** A schema whose validation resolves later, as a database-backed check would. */
const asyncPositive: StandardSchemaV1<unknown, number> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: async (value) =>
      typeof value === "number" && value > 0
        ? { value }
        : { issues: [{ message: "expected a positive number" }] },
  },
};

describe("publish checks the payload against the queue's schema", () => {
  test("a payload the consumer's schema rejects is an InvalidPayloadError with its issues; nothing is sent", async () => {
    const { app, calls } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem", schema: Order }, () => {});
    const error = await app.publish("orders", { id: "o-1", qty: 0 }).catch((e: unknown) => e);
    expect(InvalidPayloadError.isInstance(error)).toBe(true);
    expect((error as InvalidPayloadError).issues[0]?.path).toEqual(["qty"]);
    // A string is checked as the consumer reads it: its text through JSON.parse.
    await expect(app.publish("orders", "not json")).rejects.toThrow(/does not decode/);
    expect(calls.sent).toHaveLength(0);
  });

  test("a valid payload is sent and handled with message.data typed by the schema", async () => {
    const { app, queue } = memoryApp();
    const handled = collectEvents(app, "message:handled", 2);
    const data: z.infer<typeof Order>[] = [];
    app.queueConsumer("orders", { connectorName: "mem", queue, schema: Order }, (message) => {
      data.push(message.data);
    });
    await app.publish("orders", { id: "o-1", qty: 2 }, { schema: Order });
    await app.publish("orders", '{"id":"o-2","qty":1}');
    await app.start();
    await handled;
    expect(data.map((d) => d.id).sort()).toEqual(["o-1", "o-2"]);
    expect(data.find((d) => d.id === "o-1")).toEqual({ id: "o-1", qty: 2 });
    await app.stop();
  });

  test("an explicit schema checks a publish to a queue this app does not consume; async schemas work", async () => {
    const { app, calls } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    const refunds = app.producer("mem");
    await expect(refunds.publish("refunds", -5, { schema: asyncPositive })).rejects.toThrow(
      "invalid payload: expected a positive number",
    );
    await refunds.publish("refunds", 5, { schema: asyncPositive });
    expect(calls.sent.map((s) => [s.queueName, bodyText(s.message)])).toEqual([["refunds", "5"]]);
  });

  test("a queue with its own decode is checked through it", async () => {
    const { app, calls } = memoryApp();
    const csv = z.tuple([z.string(), z.coerce.number()]);
    app.queueConsumer(
      "rows",
      { connectorName: "mem", schema: csv, decode: (text) => text.split(",") },
      () => {},
    );
    await app.publish("rows", "a,1");
    await expect(app.publish("rows", "a,1,extra")).rejects.toThrow(InvalidPayloadError);
    expect(calls.sent.map((s) => bodyText(s.message))).toEqual(["a,1"]);
  });
});
