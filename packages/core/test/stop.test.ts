import { describe, expect, test } from "vitest";
import { ConfigError } from "../src/index.js";
import { bodyText, collectEvents, gate, memoryApp, nextEvent } from "./support.js";

describe("stop()", () => {
  test("waits for in-flight handlers, then acknowledges them and closes the connector", async () => {
    const { app, queue, calls } = memoryApp();
    const release = gate();
    const finished: string[] = [];
    app.queueConsumer("q", { connectorName: "mem", maxChunkSize: 3, queue }, async (m) => {
      await release.opened;
      finished.push(m.payload);
    });
    for (const p of ["a", "b", "c"]) queue.put(p);
    const received = collectEvents(app, "message:received", 3);
    await app.start();
    await received;
    const stoppedEvent = nextEvent(app, "app:stopped");
    let stopResolved = false;
    const stopping = app.stop().then(() => {
      stopResolved = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopResolved).toBe(false);
    expect(calls.acked).toHaveLength(0);
    release.open();
    await stopping;
    expect(finished.sort()).toEqual(["a", "b", "c"]);
    expect(calls.acked.map(bodyText).sort()).toEqual(["a", "b", "c"]);
    expect(calls.stopped).toBe(1);
    expect(await stoppedEvent).toEqual({ drained: true });
  });

  test("a sequential chunk stops after the running message; the rest is not acknowledged and goes back", async () => {
    const { app, queue, calls } = memoryApp();
    const release = gate();
    const handled: string[] = [];
    app.queueConsumer(
      "q",
      { connectorName: "mem", maxChunkSize: 5, sequential: true, queue },
      async (m) => {
        await release.opened;
        handled.push(m.payload);
      },
    );
    for (const p of ["1", "2", "3", "4", "5"]) queue.put(p);
    const received = nextEvent(app, "message:received");
    await app.start();
    await received;
    const stopping = app.stop();
    release.open();
    await stopping;
    expect(handled).toEqual(["1"]);
    expect(calls.acked.map(bodyText)).toEqual(["1"]);
    expect(queue.size).toBe(4);
  });

  test("past shutdownTimeoutMs it gives up: finished work is acknowledged, unfinished work is not", async () => {
    const { app, queue, calls } = memoryApp({ shutdownTimeoutMs: 50 });
    const never = gate();
    app.queueConsumer("q", { connectorName: "mem", maxChunkSize: 2, queue }, async (m) => {
      if (m.payload === "stuck") await never.opened;
    });
    queue.put("quick");
    queue.put("stuck");
    const quickDone = nextEvent(app, "message:handled");
    await app.start();
    await quickDone;
    const stopped = nextEvent(app, "app:stopped");
    await app.stop();
    expect(await stopped).toEqual({ drained: false });
    expect(calls.acked.map(bodyText)).toEqual(["quick"]);
    // The memory connector puts what was not acknowledged back on its queue.
    expect(queue.size).toBe(1);
  });

  test("messages that arrive while stopping are not taken", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    await app.start();
    await app.stop();
    queue.put("late");
    expect(queue.size).toBe(1);
  });

  test("stop() twice, or before start(), is harmless", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    await app.stop();
    const fresh = memoryApp();
    fresh.app.queueConsumer("q", { connectorName: "mem", queue: fresh.queue }, () => {});
    await fresh.app.start();
    await Promise.all([fresh.app.stop(), fresh.app.stop()]);
    await fresh.app.stop();
  });

  test("registering after start() is a ConfigError", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    await app.start();
    expect(() => app.queueConsumer("q2", { connectorName: "mem" }, () => {})).toThrow(ConfigError);
    await expect(app.start()).rejects.toThrow(/already called: the app is running/);
    await app.stop();
  });
});
