import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, type RawMessage } from "@romeways/core";
import { testConnector } from "@romeways/testing";
import { afterAll, describe, expect, test } from "vitest";
import { FolderConnector, QueueFolder } from "../src/index.js";

const directory = mkdtempSync(join(tmpdir(), "romeways-folder-test-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const folderConnector = (queueName: string) =>
  new FolderConnector(
    { connectorName: "folder", directory },
    { connectorName: "folder" },
    queueName,
  );

testConnector({
  describe,
  test,
  name: "FolderConnector",
  connector: folderConnector,
  removeQueue: (queueName) => rm(join(directory, queueName), { recursive: true, force: true }),
  durable: true,
});

const text = (message: RawMessage | undefined) =>
  new TextDecoder().decode(message?.body ?? undefined);
const body = (value: string): RawMessage => ({ body: new TextEncoder().encode(value) });

describe("FolderConnector", () => {
  test("a message a killed process took and never acknowledged is delivered to the next consumer", async () => {
    const queueName = "killed-consumer";
    await new QueueFolder(directory, queueName).put(body("survivor"));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./fixtures/crashing-consumer.ts", import.meta.url)),
        directory,
        queueName,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const [firstLine] = (await once(child.stdout, "data")) as [Buffer];
    expect(firstLine.toString()).toBe("took survivor\n");
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    const next = folderConnector(queueName);
    await next.start();
    const [message] = await next.getMessages(10, AbortSignal.timeout(5_000));
    expect(text(message)).toBe("survivor");
    await next.ack(message ? [message] : []);
    await next.stop();
  });

  test("a message another live process holds in flight is left to it when a consumer starts", async () => {
    const queueName = "live-owner";
    const folder = new QueueFolder(directory, queueName);
    await folder.put(body("held by a live process"));
    const [name = ""] = await readdir(folder.ready);
    // The process that started this one is alive; make it the holder of the message.
    const holder = join(directory, queueName, "in-flight", String(process.ppid));
    await mkdir(holder, { recursive: true });
    await rename(join(folder.ready, name), join(holder, name));
    const consumer = folderConnector(queueName);
    await consumer.start();
    await consumer.sendMessage(body("sentinel"));
    const chunk = await consumer.getMessages(10, AbortSignal.timeout(5_000));
    expect(chunk.map(text)).toEqual(["sentinel"]);
    expect(await readdir(holder)).toEqual([name]);
    await consumer.ack(chunk);
    await consumer.stop();
  });

  test("a queue name that would leave the folder is a ConfigError naming the field", () => {
    expect(() => folderConnector("../etc")).toThrow(ConfigError);
    expect(() => folderConnector("../etc")).toThrow(/queueName/);
  });

  test("a relative directory is a ConfigError", () => {
    expect(
      () =>
        new FolderConnector(
          { connectorName: "f", directory: "queues" },
          { connectorName: "f" },
          "q",
        ),
    ).toThrow(/absolute path/);
  });
});
