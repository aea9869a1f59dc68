import assert from "node:assert/strict";
import {
  createRomeways,
  type Handler,
  type Logger,
  type QueueConfig,
  ResendError,
  type Romeways,
} from "@romeways/core";
import { collectEvents, nextEvent } from "./app-events.js";
import type { ConnectorPromise } from "./conformance.js";
import { connectorClassOf } from "./conformance-connector-class.js";
import { type ConformanceSession, stillPending } from "./conformance-session.js";
import { bodyText } from "./message-bytes.js";

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const connectorName = "conformance";

/** A started romeways app with one consumer on `queueName` over the connector under test. */
async function coreApp(
  s: ConformanceSession,
  queueName: string,
  config: Omit<QueueConfig, "connectorName">,
  handler: Handler,
): Promise<Romeways> {
  const app = createRomeways({
    logger: silentLogger,
    handleSignals: false,
    shutdownTimeoutMs: s.waitMs,
  });
  app.connectorRegister({
    connector: connectorClassOf((queue, context) => s.build(queue, context), false),
    config: { connectorName },
  });
  app.queueConsumer(queueName, { connectorName, resendDelayMs: 0, ...config }, handler);
  s.onClose(() => app.stop());
  await app.start();
  return app;
}

/** romeways itself over the connector, as keyv and unstorage run their core over every adapter. */
export const corePromises: ConnectorPromise[] = [
  {
    area: "core over the connector",
    appliesTo: (c) => c.core,
    name: "a message the handler resends comes back with rwResendTimes 1",
    async run(s) {
      const queue = await s.newQueue();
      const app = await coreApp(s, queue, {}, (message) => {
        if (message.rwResendTimes === 0) throw new ResendError("once more");
      });
      const timeoutMs = s.waitMs;
      const handled = nextEvent(app, "message:handled", { timeoutMs });
      const resent = collectEvents(app, "message:resent", 1, { timeoutMs });
      await s.send(await s.producer(queue), "resend me");
      const [resend] = await resent;
      assert.equal(resend?.resendTimes, 1);
      const { message } = await handled;
      assert.equal(message.payload, "resend me");
      assert.equal(message.rwResendTimes, 1, "the resent message lost its counter on the way");
    },
  },
  {
    area: "core over the connector",
    appliesTo: (c) => c.core,
    name: "past maxResends a message lands in the deadLetterQueue: its payload unwrapped, the counter in x-romeways-resend-times",
    async run(s, { headers }) {
      const [queue, deadLetterQueue] = [await s.newQueue(), await s.newQueue()];
      const app = await coreApp(s, queue, { maxResends: 2, deadLetterQueue }, () => {
        throw new ResendError("never ready");
      });
      const deadLettered = nextEvent(app, "message:dead-lettered", { timeoutMs: s.waitMs });
      await s.send(await s.producer(queue), "dead letter payload");
      const event = await deadLettered;
      assert.equal(event.reason, "max-resends");
      // The dead-letter queue's first consumer starts only now, as it does in production.
      const [letter] = await s.take(await s.consumer(deadLetterQueue), 1);
      assert.ok(letter !== undefined);
      assert.equal(
        bodyText(letter),
        "dead letter payload",
        "the dead letter's body is not the payload the producer sent",
      );
      if (headers) assert.equal(letter.headers?.["x-romeways-resend-times"], "2");
    },
  },
  {
    area: "core over the connector",
    appliesTo: (c) => c.core,
    name: "stop() lets a running handler finish, and what it handled is not delivered again",
    async run(s) {
      const queue = await s.newQueue();
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const app = await coreApp(s, queue, {}, async (message) => {
        if (message.payload === "in flight") await released;
      });
      const received = nextEvent(app, "message:received", { timeoutMs: s.waitMs });
      const handled = nextEvent(app, "message:handled", { timeoutMs: s.waitMs });
      await s.send(await s.producer(queue), "in flight");
      await received;
      const stopping = app.stop();
      assert.ok(await stillPending(stopping), "stop() resolved while a handler was running");
      release();
      await stopping;
      assert.equal((await handled).message.payload, "in flight");
      const next = await s.consumer(queue);
      await s.send(next, "sentinel");
      assert.deepEqual(
        await s.takeUntil(next, "sentinel"),
        ["sentinel"],
        "a message handled before stop() was delivered again: its ack was lost",
      );
    },
  },
];
