// Type tests of romeways.publish / producer().publish (see type-errors.test.ts for the rules).
import "@romeways/connector-memory";
import { createRomeways, type PublishPayloadFor } from "@romeways/core";
import * as v from "valibot";
import { expectTypeOf } from "vitest";
import { z } from "zod";

const romeways = createRomeways();
const Order = z.object({ id: z.string(), qty: z.number().int() });
const Refund = v.object({ order: v.string(), amount: v.number() });

// Without a schema: a string, bytes, or any JSON-like value (an interface's object too).
interface Invoice {
  order: string;
  total: number;
}
const invoice: Invoice = { order: "o-1", total: 3 };
void romeways.publish("invoices", "text");
void romeways.publish("invoices", new Uint8Array([1]));
void romeways.publish("invoices", invoice, { key: "o-1", headers: { a: "b" }, delayMs: 10 });
void romeways.publish("invoices", invoice, { /*complete: key, headers, delayMs, schema*/ key: "" });
void romeways.producer("mem").publish("audit", [1, "two", null]);
// @ts-expect-error Type 'number' is not assignable to type 'string'
void romeways.publish("invoices", "x", { headers: { a: 1 } });
// @ts-expect-error 'delay' does not exist in type|Did you mean to write 'delayMs'?
void romeways.publish("invoices", "x", { delay: 10 });
// @ts-expect-error Type 'number' is not assignable to type 'string | Uint8Array
void romeways.publish("invoices", "x", { key: 5 });

// With the queue's schema: the payload is its input, checked field by field.
void romeways.publish("orders", { id: "o-1", qty: 2 }, { schema: Order });
void romeways.producer("mem").publish("refunds", { order: "o-1", amount: 5 }, { schema: Refund });
// @ts-expect-error Type 'string' is not assignable to type 'number'
void romeways.publish("orders", { id: "o-1", qty: "2" }, { schema: Order });
// @ts-expect-error Property 'qty' is missing
void romeways.publish("orders", { id: "o-1" }, { schema: Order });
// @ts-expect-error Property 'amount' is missing
void romeways.producer("mem").publish("refunds", { order: "o-1" }, { schema: Refund });

expectTypeOf<PublishPayloadFor<typeof Order>>().toMatchTypeOf<{ id: string; qty: number }>();
expectTypeOf(romeways.publish("x", "y")).toEqualTypeOf<Promise<void>>();
