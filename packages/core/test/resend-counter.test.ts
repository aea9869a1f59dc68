import { afterEach, describe, expect, test } from "vitest";
import { type Message, ResendError, type Romeways } from "../src/index.js";
import { bodyText, memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const alwaysResend = () => {
  throw new ResendError("not ready");
};

describe("what a resend writes back", () => {
  test("a list payload comes back as a list, spelled as Python spells it", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    const seen: Message["payloadValue"][] = [];
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, (message) => {
      seen.push(message.payloadValue);
      if (message.rwResendTimes === 0) throw new ResendError();
    });
    ctx.queue.put('{"payload": [1, 10.0, "a"], "rw_resend_times": 0}');
    const handled = nextEvent(app, "message:handled");
    await app.start();
    await handled;
    expect(seen).toEqual([
      [1, 10, "a"],
      [1, 10, "a"],
    ]);
    expect(bodyText(ctx.calls.sent[0]?.message ?? { body: null })).toBe(
      '{"payload": [1, 10.0, "a"], "rw_resend_times": 1}',
    );
  });

  test("a counter at 2^53 - 1 is dead-lettered as max-resends, not written as 2^53", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer(
      "q",
      { connectorName: "mem", queue: ctx.queue, deadLetterQueue: "q.dead-counter" },
      alwaysResend,
    );
    ctx.queue.put(`{"payload": "x", "rw_resend_times": ${Number.MAX_SAFE_INTEGER}}`);
    const dead = nextEvent(app, "message:dead-lettered");
    await app.start();
    const event = await dead;
    expect(event.reason).toBe("max-resends");
    expect(event.error.message).toContain("2^53 - 1");
    expect(ctx.calls.sent.map((sent) => sent.queueName)).toEqual(["q.dead-counter"]);
  });

  test("a counter that is no number fails the message with an error that names it", async () => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, alwaysResend);
    ctx.queue.put('{"payload": "x", "rw_resend_times": "3"}');
    const failed = nextEvent(app, "message:failed");
    await app.start();
    const event = await failed;
    expect(event.message.payload).toBe("x");
    expect(event.error.message).toContain('rw_resend_times is "3", not a number');
    expect(ctx.calls.sent).toEqual([]);
  });
});
