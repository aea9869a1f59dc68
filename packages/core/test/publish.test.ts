import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { describe, expect, test } from "vitest";
import {
  ConfigError,
  type Connector,
  createRomeways,
  type RawMessage,
  RomewaysError,
  romewaysHeaders,
} from "../src/index.js";
import { bodyText, gate, memoryApp, nextEvent, silentLogger } from "./support.js";

describe("romeways.publish", () => {
  test("a string published from the parent is handled by the queue's consumer, as UTF-8 text", async () => {
    const { app, queue, calls } = memoryApp();
    const handled = nextEvent(app, "message:handled");
    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.publish("orders", "héllo");
    await app.start();
    const { message } = await handled;
    expect(message.payload).toBe("héllo");
    expect(calls.sent.map((s) => [s.queueName, bodyText(s.message)])).toEqual([
      ["orders", "héllo"],
    ]);
    await app.stop();
  });

  test("an object is sent as its JSON text, which the handler reads back as the payload", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.publish("orders", { id: 7, items: ["a"], paid: true });
    const [raw] = await takeAll(queue);
    expect(bodyText(raw as RawMessage)).toBe('{"id":7,"items":["a"],"paid":true}');
  });

  test("a handler publishes to another queue of the app, whose consumer then handles it", async () => {
    const { app } = memoryApp();
    const orders = new MemoryQueue();
    const invoices = new MemoryQueue();
    app.queueConsumer("orders", { connectorName: "mem", queue: orders }, async (message) => {
      await app.publish("invoices", { order: message.payload }, { key: message.payload });
    });
    const invoiced = nextEvent(app, "message:handled", {
      where: (e) => e.queueName === "invoices",
    });
    app.queueConsumer("invoices", { connectorName: "mem", queue: invoices }, () => {});
    await app.start();
    orders.put("o-1");
    const { message } = await invoiced;
    expect(message.payload).toBe('{"order":"o-1"}');
    expect(message.raw.key).toBe("o-1");
    await app.stop();
  });

  test("the key and headers arrive with the message", async () => {
    const { app, queue } = memoryApp();
    const handled = nextEvent(app, "message:handled");
    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.start();
    await app.publish("orders", "x", { key: "customer-1", headers: { "x-tenant": "acme" } });
    const { message } = await handled;
    expect(message.raw.key).toBe("customer-1");
    expect(message.raw.headers).toEqual({ "x-tenant": "acme" });
    await app.stop();
  });

  test("delayMs is sent as the x-romeways-not-before header, in epoch milliseconds of the app's clock", async () => {
    const clock = { now: () => 0, epochNow: () => 1_000_000, sleep: async () => {} };
    const { app, queue, calls } = memoryApp({ clock });
    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.publish("orders", "later", { delayMs: 1_500, headers: { a: "b" } });
    await app.publish("orders", "now", { delayMs: 0 });
    expect(calls.sent.map((s) => s.message.headers)).toEqual([
      { a: "b", [romewaysHeaders.notBefore]: "1001500" },
      undefined,
    ]);
  });

  test("publish resolves only once the connector's sendMessage has resolved", async () => {
    const app = createRomeways({ logger: silentLogger, handleSignals: false });
    const landed = gate();
    let sendResolved = false;
    class SlowSend extends MemoryQueueConnector {
      override async sendMessage(message: RawMessage) {
        await landed.opened;
        await super.sendMessage(message);
        sendResolved = true;
      }
    }
    app.connectorRegister({ connector: SlowSend, config: { connectorName: "slow" } });
    app.queueConsumer("orders", { connectorName: "slow", queue: new MemoryQueue() }, () => {});
    let published = false;
    const publishing = app.publish("orders", "x").then(() => {
      published = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toBe(false);
    landed.open();
    await publishing;
    expect(sendResolved).toBe(true);
  });

  test("a send that fails rejects publish with the connector's error", async () => {
    const app = createRomeways({ logger: silentLogger, handleSignals: false });
    class Refusing extends MemoryQueueConnector {
      override async sendMessage(): Promise<void> {
        throw new Error("broker says no");
      }
    }
    app.connectorRegister({ connector: Refusing, config: { connectorName: "r" } });
    app.queueConsumer("orders", { connectorName: "r" }, () => {});
    await expect(app.publish("orders", "x")).rejects.toThrow("broker says no");
  });

  test("one never-started connector instance per queue sends every publish, and stop() closes it", async () => {
    const { app, queue, calls } = memoryApp();
    const built: string[] = [];
    const counting = createRomeways({ logger: silentLogger, handleSignals: false });
    class Counting extends MemoryQueueConnector implements Connector {
      constructor(...args: ConstructorParameters<typeof MemoryQueueConnector>) {
        super(...args);
        built.push(args[2]);
      }
    }
    counting.connectorRegister({ connector: Counting, config: { connectorName: "c" } });
    counting.queueConsumer("orders", { connectorName: "c" }, () => {});
    for (let i = 0; i < 3; i++) await counting.publish("orders", String(i));
    await counting.producer("c").publish("audit", "a");
    expect(built).toEqual(["orders", "audit"]);

    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.start();
    await app.publish("orders", "x");
    const stoppedBefore = calls.stopped;
    await app.stop();
    // The consumer's instance and the sending one.
    expect(calls.stopped - stoppedBefore).toBe(2);
    await expect(app.publish("orders", "y")).rejects.toSatisfy(
      (error) => RomewaysError.isInstance(error) && /after stop\(\)/.test(error.message),
    );
  });
});

describe("romeways.producer(connectorName)", () => {
  test("publishes to a queue this app does not consume", async () => {
    const { app } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    await app.producer("mem").publish("audit-log", { event: "x" });
    const [raw] = await takeAll(MemoryQueue.named("audit-log"));
    expect(bodyText(raw as RawMessage)).toBe('{"event":"x"}');
  });

  test("a queue the app consumes goes through that consumer's config (its queue object)", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem", queue }, () => {});
    await app.producer("mem").publish("orders", "via producer");
    expect((await takeAll(queue)).map(bodyText)).toEqual(["via producer"]);
  });
});

describe("publish mistakes are ConfigErrors that say what to do", () => {
  test("a queue no consumer of the app serves names romeways.producer", async () => {
    const { app } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    const error = await app.publish("ordrs", "x").catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).queueName).toBe("ordrs");
    expect((error as Error).message).toMatch(/consumed: "orders"/);
    expect((error as Error).message).toMatch(
      /romeways\.producer\(connectorName\)\.publish\("ordrs"/,
    );
  });

  test("a queue consumed on two connectors asks for the connector", async () => {
    const { app } = memoryApp();
    app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem2" } });
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    app.queueConsumer("orders", { connectorName: "mem2" }, () => {});
    await expect(app.publish("orders", "x")).rejects.toThrow(
      /consumed on several connectors \("mem", "mem2"\)/,
    );
  });

  test("an unknown connector lists the registered ones", async () => {
    const { app } = memoryApp();
    const error = await app
      .producer("kafak")
      .publish("orders", "x")
      .catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ connectorName: "kafak", field: "connectorName" });
    expect((error as Error).message).toMatch(/registered: "mem"/);
  });

  test.each([
    ["delayMs", { delayMs: -1 }, /delayMs must be a finite number/],
    ["delayMs", { delayMs: Number.NaN }, /delayMs must be a finite number/],
    ["headers.n", { headers: { n: 1 as unknown as string } }, /header values must be strings/],
    ["key", { key: 5 as unknown as string }, /key must be a string or a Uint8Array/],
  ])("a bad %s is refused before anything is sent", async (field, options, message) => {
    const { app, calls } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    const error = await app.publish("orders", "x", options).catch((e: unknown) => e);
    expect(error).toMatchObject({ field, queueName: "orders", connectorName: "mem" });
    expect((error as Error).message).toMatch(message);
    expect(calls.sent).toHaveLength(0);
  });

  test("a payload JSON cannot write is refused", async () => {
    const { app } = memoryApp();
    app.queueConsumer("orders", { connectorName: "mem" }, () => {});
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(app.publish("orders", cyclic)).rejects.toThrow(/cannot be written as JSON/);
    await expect(app.publish("orders", { n: 1n })).rejects.toThrow(/cannot be written as JSON/);
    await expect(app.publish("orders", (() => {}) as unknown as object)).rejects.toThrow(
      /must be a string, a Uint8Array or a JSON value/,
    );
  });
});

/** Everything waiting in a memory queue, taken without a consumer. */
function takeAll(queue: MemoryQueue): Promise<RawMessage[]> {
  return queue.take(Math.max(1, queue.size), AbortSignal.abort());
}
