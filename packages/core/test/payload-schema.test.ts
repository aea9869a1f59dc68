import type { StandardSchemaV1 } from "@standard-schema/spec";
import * as v from "valibot";
import { afterEach, describe, expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { replayOf } from "../src/dead-letter.js";
import { InvalidPayloadError, ResendError, type Romeways, romewaysHeaders } from "../src/index.js";
import { memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const Order = z.object({ id: z.string(), qty: z.number().int().positive() });

/** A Standard Schema of its own whose validation is asynchronous, as a remote check would be. */
const asyncEven: StandardSchemaV1<unknown, { n: number }> = {
  "~standard": {
    version: 1,
    vendor: "romeways-test",
    async validate(value) {
      await new Promise((resolve) => setImmediate(resolve));
      const n = (value as { n?: unknown } | null)?.n;
      if (typeof n === "number" && n % 2 === 0) return { value: { n } };
      return { issues: [{ message: "n must be an even number", path: ["n"] }] };
    },
  },
};

describe("typed payloads through Standard Schema", () => {
  test("a zod schema: the handler gets message.data as the schema's output", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const seen: { id: string; qty: number }[] = [];
    app.queueConsumer(
      "orders",
      { connectorName: "mem", queue: ctx.queue, schema: Order },
      (message) => {
        expectTypeOf(message.data).toEqualTypeOf<{ id: string; qty: number }>();
        seen.push(message.data);
      },
    );
    ctx.queue.put(JSON.stringify({ id: "o-1", qty: 2 }));
    const handled = nextEvent(app, "message:handled");
    await app.start();
    await handled;
    expect(seen).toEqual([{ id: "o-1", qty: 2 }]);
  });

  test("a message the schema rejects is dead-lettered with reason invalid and its issues, never resent", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let calls = 0;
    app.queueConsumer(
      "orders",
      {
        connectorName: "mem",
        queue: ctx.queue,
        schema: Order,
        deadLetterQueue: "orders.dead",
        resendOn: () => true,
      },
      () => {
        calls++;
      },
    );
    const events: string[] = [];
    app.events.on("message:invalid", () => events.push("invalid"));
    app.events.on("message:resent", () => events.push("resent"));
    ctx.queue.put(JSON.stringify({ id: "o-1", qty: -1 }));
    const dead = nextEvent(app, "message:dead-lettered");
    await app.start();
    const { reason, error } = await dead;
    expect(reason).toBe("invalid");
    expect(InvalidPayloadError.isInstance(error)).toBe(true);
    expect(calls).toBe(0);
    expect(events).toEqual(["invalid"]);
    const sent = ctx.calls.sent.find((s) => s.queueName === "orders.dead");
    const headers = sent?.message.headers ?? {};
    expect(headers[romewaysHeaders.deadLetterReason]).toBe("invalid");
    const issues = JSON.parse(headers[romewaysHeaders.issues] ?? "[]");
    expect(issues).toEqual([
      { path: "qty", message: expect.stringMatching(/>0|positive|greater/i) },
    ]);
    // A replay starts the message afresh: the issues go with the other dead-letter headers.
    const replay = replayOf(sent?.message ?? { body: null }, Date.now());
    expect(replay.headers?.[romewaysHeaders.issues]).toBeUndefined();
    expect(replay.headers?.[romewaysHeaders.deadLetterReason]).toBeUndefined();
  });

  test("a valibot schema: a rejected message without a dead-letter queue fails and is acknowledged", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const Payment = v.object({ amount: v.number(), currency: v.picklist(["EUR", "USD"]) });
    const seen: string[] = [];
    app.queueConsumer(
      "payments",
      { connectorName: "mem", queue: ctx.queue, schema: Payment, sequential: true },
      async (message) => {
        expectTypeOf(message.data).toEqualTypeOf<{ amount: number; currency: "EUR" | "USD" }>();
        seen.push(`${message.data.amount} ${message.data.currency}`);
      },
    );
    const invalid = nextEvent(app, "message:invalid");
    const failed = nextEvent(app, "message:failed");
    ctx.queue.put(JSON.stringify({ amount: 5, currency: "GBP" }));
    ctx.queue.put(JSON.stringify({ amount: 7, currency: "EUR" }));
    const handled = nextEvent(app, "message:handled");
    await app.start();
    const event = await invalid;
    expect(event.issues[0]?.path?.map((p) => (typeof p === "object" ? p.key : p))).toEqual([
      "currency",
    ]);
    expect((await failed).error.message).toMatch(/^invalid payload: currency: /);
    await handled;
    await app.stop();
    expect(seen).toEqual(["7 EUR"]);
    expect(ctx.calls.acked).toHaveLength(2);
  });

  test("an async schema works, one message at a time and concurrently", async () => {
    for (const mode of [{ sequential: true }, { concurrency: 4 }]) {
      const ctx = memoryApp();
      app = ctx.app;
      const seen: number[] = [];
      app.queueConsumer(
        "numbers",
        { connectorName: "mem", queue: ctx.queue, schema: asyncEven, ...mode },
        (message) => {
          expectTypeOf(message.data).toEqualTypeOf<{ n: number }>();
          seen.push(message.data.n);
        },
      );
      const invalid = nextEvent(app, "message:invalid");
      for (const n of [2, 3, 4]) ctx.queue.put(JSON.stringify({ n }));
      await app.start();
      expect((await invalid).issues).toEqual([
        { message: "n must be an even number", path: ["n"] },
      ]);
      await new Promise<void>((resolve) => {
        const check = () => (seen.length === 2 ? resolve() : setImmediate(check));
        check();
      });
      await app.stop();
      expect(seen.sort()).toEqual([2, 4]);
      expect(ctx.calls.acked).toHaveLength(3);
    }
  });

  test("a payload that is not JSON is invalid; decode reads other formats", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const seen: unknown[] = [];
    app.queueConsumer("json", { connectorName: "mem", queue: ctx.queue, schema: Order }, (m) => {
      seen.push(m.data);
    });
    const csv = new (await import("@romeways/connector-memory")).MemoryQueue();
    app.queueConsumer(
      "csv",
      {
        connectorName: "mem",
        queue: csv,
        decode: (payload) => payload.split(","),
        schema: z.tuple([z.string(), z.coerce.number()]),
      },
      (m) => {
        expectTypeOf(m.data).toEqualTypeOf<[string, number]>();
        seen.push(m.data);
      },
    );
    const invalid = nextEvent(app, "message:invalid");
    ctx.queue.put("{not json");
    csv.put("o-9,3");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    const event = await invalid;
    expect(event.queueName).toBe("json");
    expect(event.issues[0]?.message).toMatch(/^the payload does not decode: /);
    await handled;
    expect(seen).toEqual([["o-9", 3]]);
  });

  test("a resent message is validated again, and its data is the payload the producer sent", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const seen: { times: number; qty: number }[] = [];
    app.queueConsumer(
      "orders",
      { connectorName: "mem", queue: ctx.queue, schema: Order, resendDelayMs: 0 },
      (message) => {
        seen.push({ times: message.rwResendTimes, qty: message.data.qty });
        if (message.rwResendTimes === 0) throw new ResendError("later");
      },
    );
    ctx.queue.put(JSON.stringify({ id: "o-1", qty: 3 }));
    const resent = nextEvent(app, "message:resent");
    await app.start();
    await resent;
    await nextEvent(app, "message:handled");
    expect(seen).toEqual([
      { times: 0, qty: 3 },
      { times: 1, qty: 3 },
    ]);
  });
});
