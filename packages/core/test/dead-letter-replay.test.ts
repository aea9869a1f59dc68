import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import { expect, test } from "vitest";
import { createRomeways, type Romeways, replayDeadLetters } from "../src/index.js";
import { nextEvent, silentLogger } from "./support.js";

function appOn(queueName: string, handler: () => void): Romeways {
  const app = createRomeways({ logger: silentLogger, handleSignals: false });
  app.connectorRegister({ connector: MemoryQueueConnector, config: { connectorName: "mem" } });
  app.queueConsumer(
    queueName,
    { connectorName: "mem", deadLetterQueue: `${queueName}.dead` },
    handler,
  );
  return app;
}

test("dead letters carry the payload and the last error, and a replay puts them back as fresh messages", async () => {
  const failing = appOn("replay.orders", () => {
    throw new TypeError("price missing");
  });
  MemoryQueue.named("replay.orders").put('{"payload": "order 1", "rw_resend_times": 2}', {
    key: "k1",
    headers: { trace: "t1" },
  });
  const dead = nextEvent(failing, "message:dead-lettered");
  await failing.start();
  await dead;
  await failing.stop();
  const deadQueue = MemoryQueue.named("replay.orders.dead");
  expect(deadQueue.size).toBe(1);

  const result = await replayDeadLetters({
    connector: MemoryQueueConnector,
    connectorConfig: { connectorName: "mem" },
    deadLetterQueue: "replay.orders.dead",
    idleMs: 50,
  });
  expect(result).toEqual({ replayed: { "replay.orders": 1 }, skipped: 0 });
  expect(deadQueue.size).toBe(0);

  const seen: unknown[] = [];
  const fixed = appOn("replay.orders", () => {});
  fixed.events.on("message:handled", ({ message }) =>
    seen.push({
      payload: message.payload,
      times: message.rwResendTimes,
      key: message.raw.key,
      headers: message.raw.headers,
    }),
  );
  const handled = nextEvent(fixed, "message:handled");
  await fixed.start();
  await handled;
  await fixed.stop();
  expect(seen).toEqual([
    {
      payload: "order 1",
      times: 0,
      key: "k1",
      headers: {
        trace: "t1",
        "x-romeways-first-seen": expect.any(String),
        "x-romeways-replayed-at": expect.any(String),
      },
    },
  ]);
});

test("a dead letter's headers name the reason, the last handler error, the source and the times", async () => {
  const app = appOn("headers.orders", () => {
    throw new TypeError("price missing");
  });
  MemoryQueue.named("headers.orders").put("order 2");
  const dead = nextEvent(app, "message:dead-lettered");
  await app.start();
  await dead;
  await app.stop();
  const [letter] = await new MemoryQueueConnector(
    { connectorName: "mem" },
    { connectorName: "mem" },
    "headers.orders.dead",
  ).getMessages(1, new AbortController().signal);
  expect(new TextDecoder().decode(letter?.body ?? new Uint8Array())).toBe("order 2");
  expect(letter?.headers).toEqual({
    "x-romeways-dead-letter-reason": "failed",
    "x-romeways-error-name": "TypeError",
    "x-romeways-error": "price missing",
    "x-romeways-source-queue": "headers.orders",
    "x-romeways-resend-times": "0",
    "x-romeways-first-seen": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    "x-romeways-dead-lettered-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
});
