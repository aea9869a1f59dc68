import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { afterEach, describe, expect, test } from "vitest";
import { createRomeways, type RawMessage, type Romeways, ThrownValueError } from "../src/index.js";
import { collectEvents, memoryApp, nextEvent, silentLogger } from "./support.js";

let app: Romeways | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const hostile: [string, () => unknown][] = [
  [
    "an Error whose message getter throws",
    () => {
      const error = new Error("x");
      Object.defineProperty(error, "message", {
        get() {
          throw new Error("message getter");
        },
      });
      return error;
    },
  ],
  [
    "a Proxy whose traps all throw",
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error("get trap");
          },
          has() {
            throw new Error("has trap");
          },
          getPrototypeOf() {
            throw new Error("getPrototypeOf trap");
          },
          ownKeys() {
            throw new Error("ownKeys trap");
          },
        },
      ),
  ],
  [
    "an object whose toJSON and Symbol.toStringTag throw",
    () => ({
      toJSON() {
        throw new Error("toJSON");
      },
      get [Symbol.toStringTag]() {
        throw new Error("toStringTag");
      },
    }),
  ],
];

describe("whatever a handler throws has an outcome, and the loop goes on", () => {
  test.each(hostile)("%s: failed, and the next message is handled", async (_, makeThrown) => {
    const ctx = memoryApp();
    app = ctx.app;
    app.queueConsumer("q", { connectorName: "mem", queue: ctx.queue, sequential: true }, (m) => {
      if (m.payload === "bad") throw makeThrown();
    });
    ctx.queue.put("bad");
    ctx.queue.put("good");
    const failed = nextEvent(app, "message:failed");
    const handled = nextEvent(app, "message:handled");
    await app.start();
    const { error } = await failed;
    expect(ThrownValueError.isInstance(error)).toBe(true);
    expect(typeof error.message).toBe("string");
    expect((await handled).message.payload).toBe("good");
  });

  test.each(hostile)(
    "%s, with a dead-letter queue: dead-lettered with a readable error",
    async (_, makeThrown) => {
      const ctx = memoryApp();
      app = ctx.app;
      app.queueConsumer(
        "q",
        {
          connectorName: "mem",
          queue: ctx.queue,
          deadLetterQueue: "q.dead-hostile",
          concurrency: 2,
        },
        () => {
          throw makeThrown();
        },
      );
      ctx.queue.put("bad");
      const dead = nextEvent(app, "message:dead-lettered");
      await app.start();
      await dead;
      const letter = ctx.calls.sent.find((s) => s.queueName === "q.dead-hostile")?.message;
      expect(letter?.headers?.["x-romeways-error-name"]).toBe("ThrownValueError");
    },
  );

  test("a loop that fails unexpectedly restarts and reports connector:error", async () => {
    const queue = new MemoryQueue();
    let polls = 0;
    class BrokenOnce extends MemoryQueueConnector {
      override async getMessages(max: number, signal: AbortSignal): Promise<RawMessage[]> {
        // Not an array: a contract breach the loop's own code trips over.
        if (++polls === 1) return null as unknown as RawMessage[];
        return super.getMessages(max, signal);
      }
    }
    app = createRomeways({ logger: silentLogger, handleSignals: false });
    app.connectorRegister({ connector: BrokenOnce, config: { connectorName: "mem" } });
    app.queueConsumer("q", { connectorName: "mem", queue }, () => {});
    const errors = collectEvents(app, "connector:error", 1);
    const handled = nextEvent(app, "message:handled");
    await app.start();
    queue.put("after the failure");
    expect((await errors)[0]?.phase).toBe("poll");
    expect((await handled).message.payload).toBe("after the failure");
  });
});
