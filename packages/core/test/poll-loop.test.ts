import { afterEach, describe, expect, test } from "vitest";
import type { Romeways } from "../src/index.js";
import { collectEvents, gate, memoryApp, nextEvent, steppingClock } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Lets the event loop turn `turns` times: long enough for a spinning loop to show itself. */
async function turnEventLoop(turns: number) {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("the poll loop", () => {
  test("a poll takes at most maxChunkSize messages", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let inChunk = 0;
    const release = gate();
    app.queueConsumer(
      "q",
      { connectorName: "mem", maxChunkSize: 3, sequential: false, queue: ctx.queue },
      async () => {
        inChunk++;
        await release.opened;
      },
    );
    for (let i = 0; i < 7; i++) ctx.queue.put(`m${i}`);
    const received = collectEvents(app, "message:received", 3);
    await app.start();
    await received;
    await turnEventLoop(20);
    expect(inChunk).toBe(3);
    expect(ctx.queue.size).toBe(4);
    const handled = collectEvents(app, "message:handled", 7);
    release.open();
    await handled;
    expect(ctx.queue.size).toBe(0);
  });

  test("sequential handles a chunk one message at a time, in order", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    app.queueConsumer(
      "q",
      { connectorName: "mem", maxChunkSize: 5, sequential: true, queue: ctx.queue },
      async (m) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await turnEventLoop(2);
        log.push(m.payload);
        running--;
      },
    );
    const payloads = Array.from({ length: 12 }, (_, i) => `m${i}`);
    for (const p of payloads) ctx.queue.put(p);
    const done = collectEvents(app, "message:handled", payloads.length);
    await app.start();
    await done;
    expect(log).toEqual(payloads);
    expect(maxRunning).toBe(1);
  });

  test("concurrent mode runs the whole chunk at once, and never more than the chunk", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let running = 0;
    let maxRunning = 0;
    const release = gate();
    app.queueConsumer(
      "q",
      { connectorName: "mem", maxChunkSize: 4, sequential: false, queue: ctx.queue },
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await release.opened;
        running--;
      },
    );
    for (let i = 0; i < 10; i++) ctx.queue.put(`m${i}`);
    const firstChunk = collectEvents(app, "message:received", 4);
    const all = collectEvents(app, "message:handled", 10);
    await app.start();
    await firstChunk;
    await turnEventLoop(20);
    expect(running).toBe(4);
    release.open();
    await all;
    expect(maxRunning).toBe(4);
  });

  test("polls are paced frequency seconds apart, measured from the start of the previous poll", async () => {
    const stepping = steppingClock();
    const ctx = memoryApp({ clock: stepping.clock });
    app = ctx.app;
    const pollTimes: number[] = [];
    app.queueConsumer(
      "q",
      { connectorName: "mem", frequency: 2, maxChunkSize: 1, queue: ctx.queue },
      async () => {
        pollTimes.push(stepping.time());
        stepping.advance(500); // the handler takes half a second
      },
    );
    for (let i = 0; i < 3; i++) ctx.queue.put(`m${i}`);
    const done = collectEvents(app, "message:handled", 3);
    await app.start();
    await done;
    expect(pollTimes).toEqual([0, 2000, 4000]);
    expect(stepping.sleeps.slice(0, 2)).toEqual([1500, 1500]);
  });

  test("a chunk that takes longer than the frequency emits poll:overrun and the next poll starts at once", async () => {
    const stepping = steppingClock();
    const ctx = memoryApp({ clock: stepping.clock });
    app = ctx.app;
    const pollTimes: number[] = [];
    app.queueConsumer(
      "q",
      { connectorName: "mem", frequency: 1, maxChunkSize: 1, queue: ctx.queue },
      async () => {
        pollTimes.push(stepping.time());
        stepping.advance(3000);
      },
    );
    ctx.queue.put("slow 1");
    ctx.queue.put("slow 2");
    const overrun = nextEvent(app, "poll:overrun");
    const done = collectEvents(app, "message:handled", 2);
    await app.start();
    expect(await overrun).toEqual({
      connectorName: "mem",
      queueName: "q",
      elapsedMs: 3000,
      frequencyMs: 1000,
    });
    await done;
    expect(pollTimes).toEqual([0, 3000]);
  });

  test("an empty queue does not make the loop spin: one poll waits for the first message", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", frequency: 0, queue: ctx.queue }, () => {});
    await app.start();
    await turnEventLoop(200);
    expect(ctx.calls.polls).toBe(1);
    const handled = nextEvent(app, "message:handled");
    ctx.queue.put("wake up");
    expect((await handled).message.payload).toBe("wake up");
  });

  test("many idle consumers cost next to no CPU", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    for (let i = 0; i < 100; i++) {
      app.queueConsumer(`idle-${i}`, { connectorName: "mem", frequency: 0 }, () => {});
    }
    await app.start();
    await turnEventLoop(50);
    // Each consumer is parked in one long poll; none of them polled again.
    expect(ctx.calls.polls).toBe(100);
  });
});
