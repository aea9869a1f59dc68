// romeways.publish in a Kafka worker process: the worker publishes through its own producer.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, onTestFinished, test } from "vitest";
import { createTestTopic, kafkaBrokers, startedConnector, take, text } from "./kafka-test-kit.js";

const fixture = fileURLToPath(new URL("./fixtures/publish-app.ts", import.meta.url));

type Line = Record<string, unknown> & { pid: number };

describe("romeways.publish in Kafka worker processes", () => {
  test("a worker's handler publishes to a topic the app does not consume; the parent publishes the orders", async () => {
    const orders = await createTestTopic();
    const invoices = await createTestTopic();
    const child = spawn(process.execPath, ["--import", "tsx", fixture], {
      env: {
        ...process.env,
        KAFKA_BROKERS: kafkaBrokers(),
        ORDERS_TOPIC: orders.topic,
        INVOICES_TOPIC: invoices.topic,
        GROUP_ID: orders.groupId,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    });
    const lines: Line[] = [];
    let buffer = "";
    const published = new Promise<Line[]>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        for (const part of parts) if (part.startsWith("{")) lines.push(JSON.parse(part) as Line);
        const done = lines.filter((l) => l.published !== undefined);
        if (done.length === 3) resolve(done);
      });
      void exited.then(() => reject(new Error(`the app exited: ${JSON.stringify(lines)}`)));
    });
    const publishers = await published;
    const parent = lines.find((l) => l.event === "parent:started")?.pid;
    expect(new Set(publishers.map((l) => l.pid)).size).toBe(1);
    expect(publishers[0]?.pid).not.toBe(parent);
    // Each publish resolved after the broker had it: the invoices are in the topic.
    const records = await take(await startedConnector(invoices), 3);
    expect(
      records.map((r) => [text(r), Buffer.from(r.key as Uint8Array).toString()]).sort(),
    ).toEqual([
      ['{"order":"o-0"}', "o-0"],
      ['{"order":"o-1"}', "o-1"],
      ['{"order":"o-2"}', "o-2"],
    ]);
    console.log(`Kafka worker ${publishers[0]?.pid} published 3 invoices; parent ${parent}`);
    child.kill("SIGTERM");
    await exited;
  });
});
