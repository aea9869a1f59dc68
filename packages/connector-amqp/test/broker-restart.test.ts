// The broker is stopped and started again while a consumer process works through a queue: the
// app keeps running, reports the outage as connector:error (phase connection), reconnects by
// itself and handles every message; the quorum queue's messages survive the restart on disk.
import { once } from "node:events";
import { fileURLToPath } from "node:url";
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
  test("the app keeps going, reports the outage as connector:error, and handles every message", async () => {
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
      `[amqp] broker restart: ${total} messages, broker stopped after ${handledWhileDown} handled, ` +
        `down ${downMs} ms as the app saw it; ${errors.length} connector:error event(s) (${errors.map((l) => l.split(" ")[1]).join(", ")}); ` +
        `${total - distinct} lost, ${records.length - distinct} handled twice`,
    );
    expect(outage).toMatch(/^connector:error connection /);
    expect(distinct).toBe(total);
    // Only deliveries that were in flight when the broker went away can come again.
    expect(records.length - distinct).toBeLessThanOrEqual(100);
  });
});
