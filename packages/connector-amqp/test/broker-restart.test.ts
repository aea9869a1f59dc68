// The broker is stopped and started again while a consumer process works through a queue: the
// app keeps running, reports the outage as connector:error (phase connection), reconnects by
// itself and handles every message; the quorum queue's messages survive the restart on disk.
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { AmqpQueueConnector, type AmqpRawMessage } from "@romeways/connector-amqp";
import {
  type ConsumerProcess,
  handledFile,
  startConsumerProcess,
  waitForHandled,
} from "@romeways/testing";
import { connect } from "amqplib";
import { describe, expect, onTestFinished, test } from "vitest";
import { restartableBroker } from "./broker-control.js";
import { publishMany } from "./publish-many.js";

const total = 5_000;
const entry = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

/** Resolves with the first output line of `consumer` that starts with `prefix`. */
async function outputLine(consumer: ConsumerProcess, prefix: string): Promise<string> {
  const find = () =>
    consumer
      .output()
      .split("\n")
      .find((line) => line.startsWith(prefix));
  for (;;) {
    const line = find();
    if (line !== undefined) return line;
    if (consumer.child.exitCode !== null || consumer.child.signalCode !== null) {
      throw new Error(`the consumer exited without printing "${prefix}": ${consumer.output()}`);
    }
    await once(consumer.child.stdout as NodeJS.ReadableStream, "data");
  }
}

describe("a RabbitMQ restart mid-run", () => {
  test.each([
    ["in the app's process", undefined, 1],
    ["in 2 spawnProcess workers", "2", 2],
  ] as const)(
    "consuming %s, the app keeps going, reports the outage as connector:error, and handles every message",
    async (where, workers, consumers) => {
      const broker = await restartableBroker();
      const queue = `romeways-restart-${process.pid}-${Date.now()}`;
      await publishMany(broker.url, queue, total, "quorum");
      onTestFinished(async () => {
        const model = await connect(broker.url);
        await (await model.createChannel()).deleteQueue(queue);
        await model.close();
      });
      const file = handledFile(onTestFinished);
      const consumer = startConsumerProcess({
        entry,
        handledFile: file,
        env: {
          AMQP_URL: broker.url,
          QUEUE: queue,
          QUEUE_TYPE: "quorum",
          NO_LOSS_HANDLER_DELAY_MS: "2",
          ...(workers === undefined ? {} : { NO_LOSS_WORKERS: workers }),
        },
        cleanup: onTestFinished,
      });
      await consumer.ready;
      await waitForHandled(file, (records) => records.length >= total / 3, 60_000, consumer);

      await broker.halt();
      const outage = await outputLine(consumer, "connector:error connection");
      const handledWhileDown = (await waitForHandled(file, () => true, 1_000)).length;
      await broker.resume();
      const reconnected = await outputLine(consumer, "connector:reconnected");
      const records = await waitForHandled(
        file,
        (all) => new Set(all.map((r) => r.id)).size >= total,
        120_000,
        consumer,
      );
      expect(consumer.child.exitCode).toBeNull(); // it kept going all along
      await consumer.kill("SIGTERM");

      const distinct = new Set(records.map((r) => r.id)).size;
      const errors = consumer
        .output()
        .split("\n")
        .filter((line) => line.startsWith("connector:error"));
      const downMs = Number(reconnected.split(" ")[1]);
      console.log(
        `[amqp] broker restart, consuming ${where}: ${total} messages, broker stopped after ${handledWhileDown} handled, ` +
          `down ${downMs} ms as the app saw it; ${errors.length} connector:error event(s) (${errors.map((l) => l.split(" ")[1]).join(", ")}); ` +
          `${total - distinct} lost, ${records.length - distinct} handled twice`,
      );
      expect(outage).toMatch(/^connector:error connection /);
      expect(distinct).toBe(total);
      // Only deliveries in flight when the broker went away can come again: at most prefetch (100)
      // unacknowledged at a time, and as many again whose acks the broker took while stopping
      // but did not apply to the queue before it went down.
      // Per consumer.
      expect(records.length - distinct).toBeLessThanOrEqual(200 * consumers);
      if (workers !== undefined) {
        expect(new Set(records.map((r) => r.pid)).size).toBe(consumers);
        expect(records.some((r) => r.pid === consumer.child.pid)).toBe(false);
      }
    },
  );
});

describe("a RabbitMQ restart under one instance", () => {
  test("health() says not connected while the broker is away, the context hears the outage once, and what was held comes again", async () => {
    const broker = await restartableBroker();
    const queue = `romeways-restart-health-${process.pid}-${Date.now()}`;
    const calls: string[] = [];
    let onCall = () => {};
    const context = {
      connectorName: "amqp-test",
      queueName: queue,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      reportError: (error: unknown) => calls.push(`error ${String(error)}`),
      reportDisconnected: () => {
        calls.push("disconnected");
        onCall();
      },
      reportReconnected: () => {
        calls.push("reconnected");
        onCall();
      },
    };
    const called = (what: string) =>
      new Promise<void>((resolve) => {
        onCall = () => {
          if (calls.includes(what)) resolve();
        };
        onCall();
      });
    const connector = new AmqpQueueConnector(
      { connectorName: "amqp-test", url: broker.url },
      { connectorName: "amqp-test", queueType: "quorum" },
      queue,
      context,
    );
    onTestFinished(async () => {
      await connector.stop();
      const model = await connect(broker.url);
      await (await model.createChannel()).deleteQueue(queue);
      await model.close();
    });
    await connector.start();
    await connector.sendMessage({ body: new TextEncoder().encode("held") });
    const [held] = await connector.getMessages(10, AbortSignal.timeout(10_000));
    expect(held).toBeDefined();
    expect(connector.health()).toEqual({ connected: true });

    await broker.halt();
    await called("disconnected");
    expect(connector.health().connected).toBe(false);
    // A poll waits through the outage; a send fails at once (core retries it).
    await expect(connector.sendMessage({ body: new Uint8Array() })).rejects.toThrow();
    await broker.resume();
    await called("reconnected");
    expect(connector.health()).toEqual({ connected: true });
    // The held message's delivery died with the channel: acknowledging it does nothing...
    await connector.ack([held as AmqpRawMessage]);
    // ...and the broker delivers it again.
    const [again] = (await connector.getMessages(
      10,
      AbortSignal.timeout(10_000),
    )) as AmqpRawMessage[];
    expect(again && Buffer.from(again.body as Uint8Array).toString()).toBe("held");
    expect(again).toMatchObject({ redelivered: true });
    await connector.ack([again as AmqpRawMessage]);
    expect(calls.filter((call) => call === "reconnected")).toHaveLength(1);
    expect(calls.some((call) => call.startsWith("error"))).toBe(false);
  });
});
