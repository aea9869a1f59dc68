// romeways.publish in a worker process of a connector that is not hosted in the parent: the
// worker sends through its own never-started connector instance, straight to the server.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, onTestFinished, test } from "vitest";
import { redis, redisUrl } from "./redis-test-kit.js";

const fixture = fileURLToPath(new URL("./fixtures/publish-app.ts", import.meta.url));

type Line = Record<string, unknown> & { pid: number };

describe("romeways.publish with Redis worker processes", () => {
  test("a worker's handler publishes to a queue the parent consumes; the parent publishes to the worker's", async () => {
    const prefix = `romeways-publish-${randomUUID().slice(0, 8)}`;
    onTestFinished(async () => {
      await redis().del(`${prefix}-orders`, `${prefix}-invoices`);
    });
    const child = spawn(process.execPath, ["--import", "tsx", fixture], {
      env: { ...process.env, REDIS_URL: redisUrl(), STREAM_PREFIX: prefix },
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
    const invoiced = new Promise<Line[]>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        for (const part of parts) if (part.startsWith("{")) lines.push(JSON.parse(part) as Line);
        const done = lines.filter((l) => l.invoiced !== undefined);
        if (done.length === 3) resolve(done);
      });
      void exited.then(() => reject(new Error(`the app exited: ${JSON.stringify(lines)}`)));
    });
    const invoices = await invoiced;
    const parent = lines.find((l) => l.event === "parent:started")?.pid;
    const publishers = new Set(lines.filter((l) => l.published !== undefined).map((l) => l.pid));
    expect(publishers.size).toBe(1);
    expect(publishers.has(parent as number)).toBe(false);
    expect(invoices.every((l) => l.pid === parent)).toBe(true);
    expect(invoices.map((l) => [l.invoiced, l.key, l.from]).sort()).toEqual([
      ['{"order":"o-0"}', "o-0", "worker"],
      ['{"order":"o-1"}', "o-1", "worker"],
      ['{"order":"o-2"}', "o-2", "worker"],
    ]);
    // publish resolved after XADD: the entries are in the server's streams.
    expect(await redis().xlen(`${prefix}-invoices`)).toBe(3);
    expect(await redis().xlen(`${prefix}-orders`)).toBe(3);
    console.log(`worker ${[...publishers][0]} published 3 invoices on Redis to parent ${parent}`);
    child.kill("SIGTERM");
    await exited;
  });
});
