// Type tests: `pnpm typecheck` fails when a `@ts-expect-error` line below stops being an error
// or an `expectTypeOf` stops inferring; type-errors.test.ts (vitest, unit) checks that each
// error still names what is wrong (the text after `@ts-expect-error`) and what the editor
// completes (`/*complete: ...*/`). One mistake a line: the compiler reports one at a time.
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { type MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import {
  type Connector,
  type ConnectorConfig,
  createRomeways,
  type Message,
  type QueueConfig,
  registerConnector,
} from "@romeways/core";
import { createTestHarness } from "@romeways/testing";
import * as v from "valibot";
import { expectTypeOf } from "vitest";
import { z } from "zod";

const romeways = createRomeways();
const kafka = romeways.connectorRegister({
  connector: "kafka",
  config: { connectorName: "kafka-main", brokers: "localhost:9092" },
});
const noop = async () => {};

// --- Queue configs of a registered connector (the handle connectorRegister returns) ---
kafka.queueConsumer("orders", { groupId: "billing", topic: "orders", fromBeginning: true }, noop);
// @ts-expect-error Property 'groupId' is missing
kafka.queueConsumer("orders", { topic: "orders" }, noop);
// @ts-expect-error 'topik' does not exist in type|Did you mean to write 'topic'?
kafka.queueConsumer("orders", { groupId: "g", topik: "orders" }, noop);
// @ts-expect-error 'maxChunksize' does not exist in type|Did you mean to write 'maxChunkSize'?
kafka.queueConsumer("orders", { groupId: "g", maxChunksize: 10 }, noop);
// @ts-expect-error 'sequental' does not exist in type|Did you mean to write 'sequential'?
kafka.queueConsumer("orders", { groupId: "g", sequental: true }, noop);
// @ts-expect-error 'frequncy' does not exist in type|Did you mean to write 'frequency'?
kafka.queueConsumer("orders", { groupId: "g", frequncy: 1 }, noop);
// @ts-expect-error Type 'string' is not assignable to type 'boolean
kafka.queueConsumer("orders", { groupId: "g", fromBeginning: "yes" }, noop);
// @ts-expect-error Type '"other"' is not assignable to type '"kafka-main"'
kafka.queueConsumer("orders", { groupId: "g", connectorName: "other" }, noop);
kafka.queueConsumer(
  "orders",
  { /*complete: topic, groupId, fromBeginning, maxChunkSize, schema*/ groupId: "g" },
  noop,
);
expectTypeOf(kafka.connectorName).toEqualTypeOf<"kafka-main">();

// --- Registering by name ---
// @ts-expect-error Type '"kafak"' is not assignable to type 'ConnectorRef'. Did you mean '"kafka"'?
romeways.connectorRegister({ connector: "kafak", config: { connectorName: "k", brokers: "b:1" } });
// @ts-expect-error Property 'brokers' is missing
romeways.connectorRegister({ connector: "kafka", config: { connectorName: "k" } });
// @ts-expect-error 'brokrs' does not exist in type|Did you mean to write 'brokers'?
romeways.connectorRegister({ connector: "kafka", config: { connectorName: "k", brokrs: "b:1" } });
romeways.connectorRegister({
  connector: "kafka",
  config: { connectorName: "k", /*complete: brokers, clientId, ssl, producer*/ brokers: "b:1" },
});

// --- Registering by class: the class's own config types ---
const byClass = romeways.connectorRegister({
  connector: KafkaQueueConnector,
  config: { connectorName: "kafka-2", brokers: ["b:1"] },
});
// @ts-expect-error Property 'groupId' is missing
byClass.queueConsumer("orders", {}, noop);
// @ts-expect-error 'topik' does not exist in type|Did you mean to write 'topic'?
byClass.queueConsumer("orders", { groupId: "g", topik: "x" }, noop);
// @ts-expect-error Property 'brokers' is missing
romeways.connectorRegister({ connector: KafkaQueueConnector, config: { connectorName: "k3" } });
const memory = romeways.connectorRegister({
  connector: MemoryQueueConnector,
  config: { connectorName: "mem" },
});
// @ts-expect-error 'groupId' does not exist in type
memory.queueConsumer("q", { groupId: "g" }, noop);
// @ts-expect-error Type 'number[]' is missing the following properties from type 'MemoryQueue'
memory.queueConsumer("q", { queue: [1] }, noop);

// --- The seed's shape, queueConsumer(queueName, config, handler) ---
// With the app's connectors named, the connectorName picks the connector's queue config.
const typed = createRomeways<{ "kafka-main": "kafka"; mem: "memory" }>();
typed.queueConsumer("orders", { connectorName: "kafka-main", groupId: "g" }, noop);
// @ts-expect-error Property 'groupId' is missing
typed.queueConsumer("orders", { connectorName: "kafka-main", topic: "orders" }, noop);
// @ts-expect-error 'topik' does not exist in type
typed.queueConsumer("orders", { connectorName: "kafka-main", groupId: "g", topik: "x" }, noop);
// @ts-expect-error 'topic' does not exist in type
typed.queueConsumer("orders", { connectorName: "mem", topic: "x" }, noop);
// @ts-expect-error Type '"kafak-main"' is not assignable to type '"kafka-main" | "mem"'
typed.queueConsumer("orders", { connectorName: "kafak-main", groupId: "g" }, noop);
typed.queueConsumer(
  "orders",
  { connectorName: "kafka-main", /*complete: topic, groupId, fromBeginning*/ groupId: "g" },
  noop,
);
// A connector of one's own, not in the type map, is named by its queue config type.
interface JobsQueueConfig extends QueueConfig {
  lane: "fast" | "slow";
}
const custom = createRomeways<{ jobs: JobsQueueConfig }>();
custom.queueConsumer("jobs", { connectorName: "jobs", lane: "fast" }, noop);
// @ts-expect-error Type '"medium"' is not assignable to type '"fast" | "slow"'
custom.queueConsumer("jobs", { connectorName: "jobs", lane: "medium" }, noop);
// The harness takes an app whatever its connector map.
void createTestHarness(typed);
// Without the map: a field no connector has is still an error.
romeways.queueConsumer("orders", { connectorName: "x", frequency: 1 }, noop);
// @ts-expect-error 'frequncy' does not exist in type
romeways.queueConsumer("orders", { connectorName: "x", frequncy: 1 }, noop);
// @ts-expect-error 'topik' does not exist in type
romeways.queueConsumer("orders", { connectorName: "x", topik: "t" }, noop);
// The handler is returned, as the seed's decorator-like queue_consumer does.
const returned = romeways.queueConsumer("q", { connectorName: "x" }, (_message: Message) => 1);
expectTypeOf(returned).toEqualTypeOf<(message: Message) => number>();

// --- A third-party connector that augments the type map ---
interface FilesConnectorConfig extends ConnectorConfig {
  directory: string;
}
interface FilesQueueConfig extends QueueConfig {
  pattern?: string;
}
declare class FilesConnector implements Connector {
  constructor(
    connectorConfig: FilesConnectorConfig,
    queueConfig: FilesQueueConfig,
    queueName: string,
  );
  start(): Promise<void>;
  getMessages(): Promise<[]>;
  sendMessage(): Promise<void>;
  ack(): Promise<void>;
  stop(): Promise<void>;
}
declare module "@romeways/core" {
  interface ConnectorTypeMap {
    "fixture-files": { connectorConfig: FilesConnectorConfig; queueConfig: FilesQueueConfig };
  }
}
registerConnector("fixture-files", FilesConnector);
const files = romeways.connectorRegister({
  connector: "fixture-files",
  config: { connectorName: "files", directory: "/tmp/q" },
});
files.queueConsumer("greetings", { pattern: "*.txt" }, noop);
// @ts-expect-error 'patern' does not exist in type|Did you mean to write 'pattern'?
files.queueConsumer("greetings", { patern: "*.txt" }, noop);
// @ts-expect-error Property 'directory' is missing
romeways.connectorRegister({ connector: "fixture-files", config: { connectorName: "f2" } });

// --- Typed payloads: message.data is the schema's output ---
const Order = z.object({ id: z.string(), qty: z.number() });
kafka.queueConsumer("orders", { groupId: "g", schema: Order }, async (message) => {
  expectTypeOf(message.data).toEqualTypeOf<{ id: string; qty: number }>();
  expectTypeOf(message.payload).toEqualTypeOf<string>();
  // @ts-expect-error Property 'toUpperCase' does not exist on type 'number'
  message.data.qty.toUpperCase();
});
const Payment = v.object({ amount: v.number(), currency: v.picklist(["EUR", "USD"]) });
typed.queueConsumer("payments", { connectorName: "mem", schema: Payment }, (message) => {
  expectTypeOf(message.data).toEqualTypeOf<{ amount: number; currency: "EUR" | "USD" }>();
});
// A handler typed for its payload is accepted; one typed for another payload is not.
const handleOrder = async (message: Message<{ id: string; qty: number }>) => message.data.id;
kafka.queueConsumer("orders", { groupId: "g", schema: Order }, handleOrder);
romeways.queueConsumer("orders", { connectorName: "x", schema: Order }, handleOrder);
const handleOther = async (message: Message<{ id: number }>) => message.data.id;
// @ts-expect-error Type 'string' is not assignable to type 'number'
kafka.queueConsumer("orders", { groupId: "g", schema: Order }, handleOther);
// decode without a schema types data by what it returns; no schema and no decode: unknown.
memory.queueConsumer("csv", { decode: (payload) => payload.split(",") }, (message) => {
  expectTypeOf(message.data).toEqualTypeOf<string[]>();
});
memory.queueConsumer("plain", {}, (message) => {
  expectTypeOf(message.data).toEqualTypeOf<unknown>();
});
// @ts-expect-error Type 'string' is not assignable to type
memory.queueConsumer("q", { schema: "not a schema" }, noop);

export type { MemoryQueue };
