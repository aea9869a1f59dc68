import { inspect } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import type { Message, Romeways } from "../src/index.js";
import { memoryApp, nextEvent } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** The message object the handler got for one body put on the queue. */
async function deliver(body: string | Uint8Array): Promise<Message> {
  const ctx = memoryApp();
  app = ctx.app;
  let received: Message | undefined;
  app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue }, (message) => {
    received = message;
  });
  ctx.queue.put(body);
  const handled = nextEvent(app, "message:handled");
  await app.start();
  await handled;
  if (received === undefined) throw new Error("the handler never ran");
  return received;
}

describe("the message a handler gets", () => {
  test("an envelope gives the same payload and counter whichever field is read first", async () => {
    const message = await deliver('{"payload": "inner", "rw_resend_times": 3}');
    expect(message.rwResendTimes).toBe(3);
    expect(message.payload).toBe("inner");
    expect(message.queueName).toBe("q");
  });

  test("undecodable bytes reach the handler as text, the bytes kept in raw", async () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x62]);
    const message = await deliver(bytes);
    expect(message.payload).toBe("a\uFFFDb");
    expect(message.rwResendTimes).toBe(0);
    expect(message.raw.body).toBe(bytes);
  });

  test("JSON.stringify and util.inspect show the decoded payload and counter", async () => {
    const message = await deliver('{"payload": "p", "rw_resend_times": 1}');
    expect(JSON.parse(JSON.stringify(message))).toMatchObject({
      queueName: "q",
      payload: "p",
      rwResendTimes: 1,
    });
    const shown = inspect(message);
    expect(shown).toContain("payload: 'p'");
    expect(shown).toContain("rwResendTimes: 1");
  });
});
