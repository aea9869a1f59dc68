import { afterEach, describe, expect, test } from "vitest";
import { ConfigError, type Message, ResendError, type Romeways } from "../src/index.js";
import { collectEvents, gate, memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("concurrency and per-key order", () => {
  test("10,000 messages over 100 keys at concurrency 50: per-key order kept, at most 50 at once", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const total = 10_000;
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let mostInFlight = 0;
    const keysRunning = new Set<string>();
    let sameKeyOverlaps = 0;
    app.queueConsumer(
      "q",
      {
        connectorName: "mem",
        queue: ctx.queue,
        concurrency: 50,
        ordering: "key",
        maxChunkSize: 100,
      },
      async (message: Message) => {
        const key = String(message.raw.key);
        if (keysRunning.has(key)) sameKeyOverlaps++;
        keysRunning.add(key);
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        // Random I/O-like waits, some of them a macrotask, so handlers really interleave.
        if (Math.random() < 0.3) await sleep(Math.floor(Math.random() * 2));
        else await Promise.resolve();
        const list = seen.get(key) ?? [];
        list.push(Number(message.payload));
        seen.set(key, list);
        inFlight--;
        keysRunning.delete(key);
      },
    );
    for (let i = 0; i < total; i++) ctx.queue.put(String(i), { key: `key-${i % 100}` });
    const handled = collectEvents(app, "message:handled", total);
    await app.start();
    await handled;
    console.log(
      `[scheduler] ${total} messages, 100 keys: most in flight ${mostInFlight} (limit 50), same-key overlaps ${sameKeyOverlaps}`,
    );
    expect(mostInFlight).toBe(50);
    expect(sameKeyOverlaps).toBe(0);
    for (const [key, payloads] of seen) {
      const keyIndex = Number(key.slice(4));
      expect(payloads).toEqual(Array.from({ length: total / 100 }, (_, n) => keyIndex + n * 100));
    }
    await app.stop();
    expect(ctx.calls.acked).toHaveLength(total);
  });

  test("the loop keeps polling while slots are free: a slow message does not hold the others", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const slow = gate();
    const order: string[] = [];
    app.queueConsumer(
      "q",
      { connectorName: "mem", queue: ctx.queue, concurrency: 4, maxChunkSize: 2 },
      async (message) => {
        if (message.payload === "slow") await slow.opened;
        order.push(message.payload);
      },
    );
    ctx.queue.put("slow");
    for (let i = 0; i < 10; i++) ctx.queue.put(`fast ${i}`);
    const fastOnes = collectEvents(app, "message:handled", 10);
    await app.start();
    await fastOnes;
    // In chunk mode "fast 0" would wait for "slow", its chunk-mate.
    expect(order).not.toContain("slow");
    slow.open();
    await nextEvent(app, "message:handled");
    expect(order.at(-1)).toBe("slow");
  });

  test("sequential with concurrency is a ConfigError that says what to use", () => {
    const ctx = memoryApp();
    app = ctx.app;
    expect(() =>
      ctx.app.queueConsumer(
        "q",
        { connectorName: "mem", queue: ctx.queue, concurrency: 2, sequential: true },
        () => {},
      ),
    ).toThrow(ConfigError);
  });
});

describe("delayed resends", () => {
  test("a message resent with a delay of 300 ms holds up nobody and comes back no earlier", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const handledAt = new Map<string, number>();
    let resentAt = 0;
    app.queueConsumer(
      "q",
      { connectorName: "mem", queue: ctx.queue, maxChunkSize: 5 },
      (message) => {
        if (message.payload === "later" && message.rwResendTimes === 0) {
          resentAt = Date.now();
          throw new ResendError("not yet", { delayMs: 300 });
        }
        handledAt.set(`${message.payload}/${message.rwResendTimes}`, Date.now());
      },
    );
    ctx.queue.put("later");
    const all = collectEvents(app, "message:handled", 21);
    await app.start();
    await nextEvent(app, "message:resent");
    for (let i = 0; i < 20; i++) ctx.queue.put(`other ${i}`);
    await all;
    const laterAt = handledAt.get("later/1") as number;
    expect(laterAt - resentAt).toBeGreaterThanOrEqual(300);
    // Everything put after the resend was handled before it came due.
    for (let i = 0; i < 20; i++) expect(handledAt.get(`other ${i}/0`)).toBeLessThan(laterAt);
  });

  test("by default the first resend waits about a second", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("default", { connectorName: "mem", queue: ctx.queue }, () => {
      throw new ResendError();
    });
    ctx.queue.put("x");
    const resent = nextEvent(app, "message:resent");
    await app.start();
    const { delayMs } = await resent;
    expect(delayMs).toBeGreaterThanOrEqual(800);
    expect(delayMs).toBeLessThanOrEqual(1_200);
  });

  test("resendOn makes an error a resend without ResendError", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const connectionLost = Object.assign(new Error("connection lost"), { code: "ECONNRESET" });
    app.queueConsumer(
      "q",
      {
        connectorName: "mem",
        queue: ctx.queue,
        resendDelayMs: 0,
        resendOn: (error) => (error as { code?: string }).code === "ECONNRESET",
      },
      (message) => {
        if (message.rwResendTimes === 0) throw connectionLost;
      },
    );
    ctx.queue.put("x");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    expect((await handled).message.rwResendTimes).toBe(1);
  });

  test("stop() returns by its deadline while a message is resent forever", async () => {
    const ctx = memoryApp({ shutdownTimeoutMs: 500 });
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, resendDelayMs: 0 }, () => {
      throw new ResendError();
    });
    ctx.queue.put("forever");
    await app.start();
    await collectEvents(app, "message:resent", 50);
    const started = performance.now();
    await app.stop();
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
