import { MemoryQueue } from "@romeways/connector-memory";
import { describe, expect, test } from "vitest";
import { ResendError, type RomewaysEventName } from "../src/index.js";
import { collectEvents, memoryApp, nextEvent } from "./support.js";

describe("the event bus", () => {
  test("a run emits each lifecycle and message event once, with its documented payload", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer(
      "q",
      {
        connectorName: "mem",
        queue,
        maxChunkSize: 10,
        sequential: true,
        deadLetterQueue: "q.events-dlq",
      },
      (m) => {
        if (m.payload === "resend" && m.rwResendTimes === 0) throw new ResendError("again");
        if (m.payload === "fail") throw new Error("broken");
      },
    );
    const counts = new Map<RomewaysEventName, number>();
    const names: RomewaysEventName[] = [
      "app:started",
      "app:stopping",
      "app:stopped",
      "connector:started",
      "connector:stopped",
      "message:received",
      "message:handled",
      "message:resent",
      "message:dead-lettered",
      "message:discarded",
    ];
    for (const name of names)
      app.events.on(name, () => counts.set(name, (counts.get(name) ?? 0) + 1));
    const started = nextEvent(app, "app:started");
    const connectorStarted = nextEvent(app, "connector:started");
    const resent = nextEvent(app, "message:resent");
    const deadLettered = nextEvent(app, "message:dead-lettered");
    const discarded = nextEvent(app, "message:discarded");
    const handled = collectEvents(app, "message:handled", 2);
    queue.put("ok");
    queue.put("resend");
    queue.put("fail");
    queue.putRaw({ body: null });
    await app.start();
    expect(await started).toEqual({ connectors: ["mem"], queues: ["q"], isWorker: false });
    expect(await connectorStarted).toEqual({ connectorName: "mem", queueName: "q" });
    const resentEvent = await resent;
    expect(resentEvent).toMatchObject({ connectorName: "mem", queueName: "q", resendTimes: 1 });
    expect(resentEvent.error).toBeInstanceOf(ResendError);
    expect(resentEvent.message.payload).toBe("resend");
    expect(await deadLettered).toMatchObject({
      queueName: "q",
      reason: "failed",
      deadLetterQueue: "q.events-dlq",
    });
    expect(await discarded).toMatchObject({
      connectorName: "mem",
      queueName: "q",
      reason: "empty-body",
    });
    const [first, second] = await handled;
    expect(first).toMatchObject({
      connectorName: "mem",
      queueName: "q",
      message: { payload: "ok", rwResendTimes: 0 },
    });
    expect(second?.message).toMatchObject({ payload: "resend", rwResendTimes: 1 });
    expect(typeof first?.durationMs).toBe("number");
    const stopping = nextEvent(app, "app:stopping");
    const connectorStopped = nextEvent(app, "connector:stopped");
    await app.stop();
    expect(await stopping).toEqual({ reason: "stop" });
    expect(await connectorStopped).toEqual({ connectorName: "mem", queueName: "q" });
    expect(Object.fromEntries(counts)).toEqual({
      "app:started": 1,
      "app:stopping": 1,
      "app:stopped": 1,
      "connector:started": 1,
      "connector:stopped": 1,
      "message:received": 4,
      "message:handled": 2,
      "message:resent": 1,
      "message:dead-lettered": 1,
      "message:discarded": 1,
    });
    expect(MemoryQueue.named("q.events-dlq").size).toBe(1);
  });

  test("a failing connector call emits connector:error and the loop carries on", async () => {
    const { app, queue } = memoryApp();
    let failures = 0;
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    const original = queue.take.bind(queue);
    queue.take = (max, signal) => {
      if (failures++ === 0) return Promise.reject(new Error("broker unreachable"));
      return original(max, signal);
    };
    const error = nextEvent(app, "connector:error");
    const handled = nextEvent(app, "message:handled");
    queue.put("after the outage");
    await app.start();
    expect(await error).toMatchObject({ connectorName: "mem", queueName: "q", phase: "poll" });
    expect((await handled).message.payload).toBe("after the outage");
    await app.stop();
  });

  test("the handler event fires even when many messages flow, once per message", async () => {
    const { app, queue } = memoryApp();
    app.queueConsumer("q", { connectorName: "mem", queue, maxChunkSize: 50 }, () => {});
    for (let i = 0; i < 1000; i++) queue.put(String(i));
    const handled = collectEvents(app, "message:handled", 1000);
    await app.start();
    const payloads = (await handled).map((e) => e.message.payload);
    expect(new Set(payloads).size).toBe(1000);
    await app.stop();
  });
});

describe("a listener that throws", () => {
  test("is logged and does not stop the messages from flowing", async () => {
    const errors: string[] = [];
    const { app, queue } = memoryApp({
      logger: {
        debug() {},
        info() {},
        warn() {},
        error: (_context, message) => errors.push(message),
      },
    });
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    app.events.on("message:handled", () => {
      throw new Error("listener bug");
    });
    const handled = collectEvents(app, "message:handled", 2);
    queue.put("1");
    queue.put("2");
    await app.start();
    expect((await handled).map((e) => e.message.payload)).toEqual(["1", "2"]);
    await app.stop();
    expect(errors).toEqual([
      'a listener of "message:handled" threw: listener bug',
      'a listener of "message:handled" threw: listener bug',
    ]);
  });
});
