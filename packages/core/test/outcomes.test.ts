import { MemoryQueue } from "@romeways/connector-memory";
import { afterEach, describe, expect, test } from "vitest";
import { ResendError, type Romeways, ThrownValueError } from "../src/index.js";
import { bodyText, collectEvents, gate, memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("message outcomes", () => {
  test("a handler that resolves: handled, then acknowledged", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => {});
    ctx.queue.put("ok");
    await app.start();
    const event = await nextEvent(app, "message:handled");
    expect(event.message.payload).toBe("ok");
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
    await app.stop();
    expect(ctx.calls.acked.map(bodyText)).toEqual(["ok"]);
  });

  test("a resent message comes back with rwResendTimes 1, same key and headers", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const seen: { payload: string; times: number; key: unknown; headers: unknown }[] = [];
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, resendDelayMs: 0 }, (m) => {
      seen.push({
        payload: m.payload,
        times: m.rwResendTimes,
        key: m.raw.key,
        headers: m.raw.headers,
      });
      if (m.rwResendTimes === 0) throw new ResendError("later");
    });
    ctx.queue.put("pay", { key: "k1", headers: { trace: "t1" } });
    const resent = nextEvent(app, "message:resent");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    expect((await resent).resendTimes).toBe(1);
    await handled;
    expect(seen).toEqual([
      { payload: "pay", times: 0, key: "k1", headers: { trace: "t1" } },
      // Kept, with the time romeways first saw it fail (dead letters carry it).
      {
        payload: "pay",
        times: 1,
        key: "k1",
        headers: { trace: "t1", "x-romeways-first-seen": expect.any(String) },
      },
    ]);
    expect(bodyText(ctx.calls.sent[0]?.message ?? { body: null })).toBe(
      '{"payload": "pay", "rw_resend_times": 1}',
    );
  });

  test("without maxResends a message may be resent again and again, as in the seed", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, resendDelayMs: 0 }, (m) => {
      if (m.rwResendTimes < 5) throw new ResendError();
    });
    ctx.queue.put("x");
    const resends = collectEvents(app, "message:resent", 5);
    const handled = nextEvent(app, "message:handled");
    await app.start();
    expect((await resends).map((e) => e.resendTimes)).toEqual([1, 2, 3, 4, 5]);
    expect((await handled).message.rwResendTimes).toBe(5);
  });

  test("after maxResends resends the message goes to the dead-letter queue with the reason", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const dlq = MemoryQueue.named("q.dead-maxresends");
    app.queueConsumer(
      "q",
      {
        connectorName: "mem",
        queue: ctx.queue,
        maxResends: 2,
        deadLetterQueue: "q.dead-maxresends",
      },
      () => {
        throw new ResendError("never ready");
      },
    );
    ctx.queue.put("doomed", { key: "k" });
    const dead = nextEvent(app, "message:dead-lettered");
    await app.start();
    const event = await dead;
    expect(event.reason).toBe("max-resends");
    expect(event.deadLetterQueue).toBe("q.dead-maxresends");
    expect(event.message.rwResendTimes).toBe(2);
    const deadLetters = ctx.calls.sent.filter((s) => s.queueName === "q.dead-maxresends");
    expect(deadLetters).toHaveLength(1);
    const letter = deadLetters[0]?.message;
    expect(letter?.key).toBe("k");
    expect(letter?.headers?.["x-romeways-dead-letter-reason"]).toBe("max-resends");
    expect(letter?.headers?.["x-romeways-source-queue"]).toBe("q");
    // The payload the producer sent, not the resend envelope; the counter is in a header.
    expect(bodyText(letter ?? { body: null })).toBe("doomed");
    expect(letter?.headers?.["x-romeways-resend-times"]).toBe("2");
    expect(dlq.size).toBe(1);
  });

  test("maxResends 0 without a dead-letter queue fails the message on its first resend", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, maxResends: 0 }, () => {
      throw new ResendError();
    });
    ctx.queue.put("once");
    const failed = nextEvent(app, "message:failed");
    await app.start();
    const event = await failed;
    expect(event.error.message).toMatch(/maxResends/);
    expect(ctx.calls.sent).toHaveLength(0);
    await app.stop();
    expect(ctx.calls.acked.map(bodyText)).toEqual(["once"]);
  });

  test("any other error fails the message: logged, acknowledged, not resent", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => {
      throw new TypeError("bad payload");
    });
    ctx.queue.put("boom");
    const failed = nextEvent(app, "message:failed");
    await app.start();
    expect((await failed).error).toBeInstanceOf(TypeError);
    await app.stop();
    expect(ctx.calls.sent).toHaveLength(0);
    expect(ctx.calls.acked.map(bodyText)).toEqual(["boom"]);
  });

  test("a failed message goes to the dead-letter queue when one is configured", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer(
      "q",
      { connectorName: "mem", queue: ctx.queue, deadLetterQueue: "q.dead-failed" },
      () => {
        throw new Error("cannot parse");
      },
    );
    ctx.queue.put("garbage");
    const dead = nextEvent(app, "message:dead-lettered");
    await app.start();
    const event = await dead;
    expect(event.reason).toBe("failed");
    expect(event.error.message).toBe("cannot parse");
    expect(MemoryQueue.named("q.dead-failed").size).toBe(1);
  });

  test("a handler that throws a non-Error fails with a ThrownValueError carrying the value", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => {
      throw { code: 42 };
    });
    ctx.queue.put("odd");
    const failed = nextEvent(app, "message:failed");
    await app.start();
    const { error } = await failed;
    expect(error).toBeInstanceOf(ThrownValueError);
    expect((error as ThrownValueError).value).toEqual({ code: 42 });
    expect(error.message).toContain('{"code":42}');
  });

  test("a message without a body is discarded and acknowledged, the handler is not called", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    let calls = 0;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => {
      calls++;
    });
    ctx.queue.putRaw({ body: null, key: "tombstone" });
    const discarded = nextEvent(app, "message:discarded");
    await app.start();
    const event = await discarded;
    expect(event.reason).toBe("empty-body");
    expect(event.raw.key).toBe("tombstone");
    await app.stop();
    expect(calls).toBe(0);
    expect(ctx.calls.acked).toHaveLength(1);
  });

  test("an empty body is a message with an empty payload", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => {});
    ctx.queue.put(new Uint8Array());
    const handled = nextEvent(app, "message:handled");
    await app.start();
    expect((await handled).message.payload).toBe("");
  });

  test("a message is acknowledged only after its outcome is final", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const release = gate();
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, () => release.opened);
    ctx.queue.put("slow");
    const received = nextEvent(app, "message:received");
    await app.start();
    await received;
    expect(ctx.calls.acked).toHaveLength(0);
    const handled = nextEvent(app, "message:handled");
    release.open();
    await handled;
    await app.stop();
    expect(ctx.calls.acked.map(bodyText)).toEqual(["slow"]);
  });

  test("a resend is published before the original is acknowledged", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, (m) => {
      if (m.rwResendTimes === 0) throw new ResendError();
    });
    ctx.queue.put("x");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    await handled;
    await app.stop();
    expect(ctx.calls.log).toEqual([
      'send q {"payload": "x", "rw_resend_times": 1}',
      "ack x",
      'ack {"payload": "x", "rw_resend_times": 1}',
    ]);
  });
  describe.each([
    { mode: "concurrent", sequential: false },
    { mode: "sequential", sequential: true },
  ])("a handler returning a foreign thenable ($mode)", ({ sequential }) => {
    test("that rejects with a ResendError: the message is resent", async () => {
      const ctx = memoryApp();
      app = ctx.app;
      app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, sequential }, (m) => ({
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
        then(onFulfilled: () => void, onRejected: (reason: unknown) => void) {
          if (m.rwResendTimes === 0) onRejected(new ResendError("later"));
          else onFulfilled();
        },
      }));
      ctx.queue.put("t");
      const resent = nextEvent(app, "message:resent");
      const handled = nextEvent(app, "message:handled");
      await app.start();
      expect((await resent).resendTimes).toBe(1);
      expect((await handled).message.rwResendTimes).toBe(1);
    });

    test.each([
      {
        what: "then()",
        broken: () => ({
          // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
          then() {
            throw new Error("broken thenable");
          },
        }),
        error: "broken thenable",
      },
      {
        what: "then getter",
        broken: () => ({
          // biome-ignore lint/suspicious/noThenProperty: a then getter that throws, on purpose
          get then(): never {
            throw new Error("broken getter");
          },
        }),
        error: "broken getter",
      },
    ])("whose $what throws: the message fails, the loop goes on", async ({ broken, error }) => {
      const ctx = memoryApp();
      app = ctx.app;
      app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, sequential }, (m) =>
        m.payload === "fine" ? undefined : broken(),
      );
      ctx.queue.put("broken");
      ctx.queue.put("fine");
      const failed = nextEvent(app, "message:failed");
      const handled = nextEvent(app, "message:handled");
      await app.start();
      expect((await failed).error.message).toBe(error);
      expect((await handled).message.payload).toBe("fine");
      await app.stop();
      expect(ctx.calls.acked.map(bodyText).sort()).toEqual(["broken", "fine"]);
    });
  });
});
