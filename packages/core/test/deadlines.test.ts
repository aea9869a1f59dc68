import { afterEach, describe, expect, test } from "vitest";
import { HandlerTimeoutError, type Romeways } from "../src/index.js";
import { memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const never = () => new Promise<never>(() => {});

describe("handler deadlines", () => {
  test("handlerTimeoutMs aborts the signal and dead-letters the message with reason timeout", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let aborted: unknown;
    app.queueConsumer(
      "q",
      {
        connectorName: "mem",
        queue: ctx.queue,
        handlerTimeoutMs: 50,
        deadLetterQueue: "q.dead-timeout",
      },
      async (message) => {
        message.signal.addEventListener("abort", () => {
          aborted = message.signal.reason;
        });
        await never();
      },
    );
    ctx.queue.put("hangs");
    const dead = nextEvent(app, "message:dead-lettered");
    await app.start();
    const event = await dead;
    expect(event.reason).toBe("timeout");
    expect(HandlerTimeoutError.isInstance(event.error)).toBe(true);
    expect(HandlerTimeoutError.isInstance(aborted)).toBe(true);
    const letter = ctx.calls.sent.find((s) => s.queueName === "q.dead-timeout")?.message;
    expect(letter?.headers?.["x-romeways-dead-letter-reason"]).toBe("timeout");
    expect(letter?.headers?.["x-romeways-error-name"]).toBe("HandlerTimeoutError");
  });

  test("a handler that ignores the signal and finishes later changes nothing, and is counted", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let finishLate!: () => void;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, handlerTimeoutMs: 30 }, () => {
      return new Promise<void>((resolve) => {
        finishLate = resolve;
      });
    });
    ctx.queue.put("slow");
    const failed = nextEvent(app, "message:failed");
    await app.start();
    await failed;
    const late = nextEvent(app, "message:late");
    let handled = 0;
    app.events.on("message:handled", () => handled++);
    finishLate();
    const event = await late;
    expect(event.error).toBeUndefined();
    expect(event.durationMs).toBeGreaterThanOrEqual(30);
    await app.stop();
    expect(handled).toBe(0);
    expect(ctx.calls.acked).toHaveLength(1);
  });

  test("the slot of a timed-out message is freed for the next one", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer(
      "q",
      { connectorName: "mem", queue: ctx.queue, concurrency: 1, handlerTimeoutMs: 20 },
      async (message) => {
        if (message.payload === "hangs") await never();
      },
    );
    ctx.queue.put("hangs");
    ctx.queue.put("next");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    expect((await handled).message.payload).toBe("next");
  });

  test("stop() aborts the signals of handlers still running at its deadline", async () => {
    const ctx = memoryApp({ shutdownTimeoutMs: 100 });
    app = ctx.app;
    const reasons: unknown[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, async (message) => {
      message.signal.addEventListener("abort", () => reasons.push(message.signal.reason));
      started();
      await never();
    });
    ctx.queue.put("hangs");
    await app.start();
    await running;
    const stopped = nextEvent(app, "app:stopped");
    await app.stop();
    expect((await stopped).drained).toBe(false);
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as Error).message).toContain("shutdownTimeoutMs");
    expect(ctx.calls.acked).toHaveLength(0);
  });
});
