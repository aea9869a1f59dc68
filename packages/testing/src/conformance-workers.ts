import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import type { ConnectorPromise } from "./conformance.js";
import { conformanceAppEnv } from "./conformance-worker-app.js";

type Line = Record<string, unknown> & { pid: number };
const messages = 200;

/** core's spawnProcess over the connector: real worker processes, one shared queue. */
export const workerPromises: ConnectorPromise[] = [
  {
    area: "core over the connector",
    name: `two spawnProcess workers share one queue: ${messages} messages, each handled once, all in workers`,
    appliesTo: (c) => c.workers !== undefined,
    // A parent and two workers, each loading the program (under tsx, compiling it first).
    minTimeoutMs: 30_000,
    async run(s, { workers }) {
      assert.ok(workers !== undefined);
      const queue = await s.newQueue();
      const execArgv =
        workers.execArgv ?? (workers.entry.endsWith(".ts") ? ["--import", "tsx"] : []);
      const child = spawn(process.execPath, [...execArgv, workers.entry], {
        env: {
          ...process.env,
          ...workers.env,
          [conformanceAppEnv.queueName]: queue,
          [conformanceAppEnv.messages]: String(messages),
          [conformanceAppEnv.workers]: "2",
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      s.onClose(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      const program = jsonLines(child);
      const handled = (line: Line) => typeof line.handled === "string";
      const lines = await program.waitFor(handled, messages, s.waitMs);
      const parent = child.pid;
      const workerPids = program.lines
        .filter((line) => line.event === "worker:started")
        .map((line) => line.worker);
      assert.equal(workerPids.length, 2, "two workers should have started");
      const payloads = lines.map((line) => line.handled);
      assert.equal(new Set(payloads).size, messages, "some messages were handled twice");
      assert.ok(
        lines.every((line) => line.pid !== parent && workerPids.includes(line.pid)),
        "a message was handled outside the workers",
      );
      const split = workerPids.map((pid) => lines.filter((line) => line.pid === pid).length);
      console.log(
        `spawnProcess: ${messages} messages handled by 2 workers, split ${split.join("/")}`,
      );
      child.kill("SIGTERM");
      await program.waitFor((line) => line.event === "app:stopped", 1, s.waitMs);
      assert.equal(program.lines.filter(handled).length, messages, "handled again after the stop");
    },
  },
];

/** The program's JSON output lines, and a way to wait for some. */
function jsonLines(child: ChildProcess) {
  const lines: Line[] = [];
  const watchers = new Set<() => void>();
  let buffer = "";
  let exited = false;
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.startsWith("{")) lines.push(JSON.parse(part) as Line);
    for (const watcher of watchers) watcher();
  });
  child.once("exit", () => {
    exited = true;
    for (const watcher of watchers) watcher();
  });
  const waitFor = (predicate: (line: Line) => boolean, count: number, timeoutMs: number) =>
    new Promise<Line[]>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`within ${timeoutMs} ms`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        watchers.delete(check);
        const matching = lines.filter(predicate);
        if (error === undefined) return resolve(matching);
        const last = JSON.stringify(lines.slice(-5));
        reject(
          new Error(
            `the program printed ${matching.length} of ${count} lines ${error.message}; last lines: ${last}`,
          ),
        );
      };
      const check = () => {
        if (lines.filter(predicate).length >= count) finish();
        else if (exited)
          finish(new Error(`before it exited with ${child.exitCode ?? child.signalCode}`));
      };
      watchers.add(check);
      check();
    });
  return { lines, waitFor };
}
