import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { isAlive, killLeftoverApps, type Line, runApp, waitForExit } from "./run-app.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const tsEntry = here("./worker-app.ts");
const compiledEntry = here("./.compiled/worker-app.mjs");
const underTsx = ["--import", "tsx", tsEntry];

const handled = (line: Line) => typeof line.handled === "string";
const event = (name: string) => (line: Line) => line.event === name;

beforeAll(() => {
  // The same program as compiled JavaScript, for the run under plain node.
  const output = ts.transpileModule(readFileSync(tsEntry, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  mkdirSync(here("./.compiled"), { recursive: true });
  writeFileSync(compiledEntry, output.outputText);
});

afterEach(killLeftoverApps);

describe("spawnProcess with the memory connector (real child processes)", () => {
  test.each([
    ["tsx", underTsx],
    ["plain node on compiled output", [compiledEntry]],
  ])(
    "under %s, messages put in the parent are handled in a worker, and resends come back through the parent",
    async (_, args) => {
      const app = runApp(args, { WORKERS: "1", MESSAGES: "5", MODE: "resend" });
      const { parent } = await app.waitFor(event("parent:started"));
      const lines = await app.waitForCount(handled, 5);
      expect(new Set(lines.map((l) => l.handled))).toEqual(new Set(["0", "1", "2", "3", "4"]));
      expect(lines.every((l) => l.pid !== parent && l.times === 1)).toBe(true);
      const resent = app.lines.filter(event("message:resent")).map((l) => l.payload);
      expect(resent.sort()).toEqual(["0", "1", "2", "3", "4"]);
      app.child.kill("SIGTERM");
      await app.exited;
    },
  );

  test("two workers share 10,000 messages: each handled exactly once", async () => {
    const total = 10_000;
    const app = runApp(underTsx, { WORKERS: "2", MESSAGES: String(total) });
    const started = performance.now();
    const lines = await app.waitForCount(handled, total);
    const elapsedMs = performance.now() - started;
    const payloads = lines.map((l) => l.handled);
    expect(new Set(payloads).size).toBe(total);
    expect(payloads).toHaveLength(total);
    const perWorker = new Map<number, number>();
    for (const line of lines) perWorker.set(line.pid, (perWorker.get(line.pid) ?? 0) + 1);
    expect(perWorker.size).toBe(2);
    console.log(
      `2 workers handled ${total} messages in ${elapsedMs.toFixed(0)} ms, split ${[...perWorker.values()].join("/")}`,
    );
    app.child.kill("SIGTERM");
    await app.exited;
    // A late duplicate would show up before the exit.
    expect(app.lines.filter(handled)).toHaveLength(total);
  });

  test("a worker killed with SIGKILL is restarted, and the message it held is handled again", async () => {
    const app = runApp(underTsx, { WORKERS: "1", MESSAGES: "1", MODE: "hold" });
    const first = await app.waitFor((l) => l.holding === "0");
    const killedAt = performance.now();
    process.kill(first.pid, "SIGKILL");
    const exited = await app.waitFor(event("worker:exited"));
    expect(exited).toMatchObject({ worker: first.pid, signal: "SIGKILL" });
    const restarted = await app.waitFor(event("worker:restarted"));
    const second = await app.waitFor((l) => l.holding === "0" && l.pid !== first.pid);
    console.log(
      `worker restarted and holding the message again ${(performance.now() - killedAt).toFixed(0)} ms after the kill`,
    );
    expect(second.pid).toBe(restarted.worker);
    app.child.kill("SIGTERM");
    await app.waitFor((l) => l.handled === "0");
    expect(await app.waitFor(event("app:stopped"))).toMatchObject({ drained: true, left: 0 });
    await app.exited;
  });

  test("a worker killed with SIGKILL while it holds a delayed resend loses nothing", async () => {
    const total = 200;
    const app = runApp(underTsx, { WORKERS: "1", MESSAGES: String(total), MODE: "delay" });
    const resending = await app.waitFor((l) => l.resending === "0");
    // The worker goes on with the other messages while it holds the resend.
    await app.waitForCount(handled, total - 1);
    process.kill(resending.pid, "SIGKILL");
    await app.waitFor(event("worker:restarted"));
    const again = await app.waitFor((l) => l.handled === "0");
    const dueAt = (resending.at as number) + 2_000;
    const lines = app.lines.filter(handled);
    const handledOnce = new Set(lines.map((l) => l.handled)).size;
    console.log(
      `[delayed resend, worker SIGKILLed in the delay] ${handledOnce}/${total} handled, ${lines.length - handledOnce} twice; the resend handled ${(again.at as number) - dueAt} ms after it was due, by the restarted worker`,
    );
    expect(again).toMatchObject({ times: 1 });
    expect(again.pid).not.toBe(resending.pid);
    expect(again.at as number).toBeGreaterThanOrEqual(dueAt);
    expect(handledOnce).toBe(total);
    app.child.kill("SIGTERM");
    await app.exited;
  });

  test("stop under load: in-flight handlers finish, and no process is left", async () => {
    const app = runApp(underTsx, { WORKERS: "2", MESSAGES: "200", MODE: "hold" });
    const workers = await app.waitForCount(event("worker:started"), 2);
    const workerPids = workers.map((w) => w.worker as number);
    // Both workers are inside a handler.
    for (const pid of workerPids)
      await app.waitFor((l) => typeof l.holding === "string" && l.pid === pid);
    const holding = app.lines.filter((l) => typeof l.holding === "string");
    const stopAt = performance.now();
    app.child.kill("SIGTERM");
    const stopped = await app.waitFor(event("app:stopped"));
    const [, signal] = await app.exited;
    console.log(
      `stop with 2 workers and ${holding.length} in-flight handlers took ${(performance.now() - stopAt).toFixed(0)} ms`,
    );
    expect(signal).toBe("SIGTERM");
    const finished = new Set(app.lines.filter(handled).map((l) => l.handled));
    for (const line of holding) expect(finished.has(line.holding)).toBe(true);
    expect(stopped).toMatchObject({ drained: true, left: 200 - finished.size });
    for (const pid of workerPids) expect(isAlive(pid)).toBe(false);
  });

  test("when the parent is killed with SIGKILL its workers exit within a few seconds", async () => {
    const app = runApp(underTsx, { WORKERS: "2", MESSAGES: "0" });
    const workers = await app.waitForCount(event("worker:started"), 2);
    process.kill(app.child.pid as number, "SIGKILL");
    await app.exited;
    const times = await Promise.all(workers.map((w) => waitForExit(w.worker as number, 5_000)));
    console.log(
      `orphaned workers exited ${times.map((t) => t.toFixed(0)).join(" and ")} ms after the parent died`,
    );
  });

  test("a listener added after start gets the events of every spawnProcess connector's workers", async () => {
    const app = runApp(underTsx, { WORKERS: "1", MESSAGES: "3", TWO_CONNECTORS: "1" });
    const lines = await app.waitForCount(event("message:handled"), 6);
    const payloadsOf = (queue: string) =>
      lines
        .filter((l) => l.queue === queue)
        .map((l) => l.payload)
        .sort();
    expect([payloadsOf("jobs"), payloadsOf("jobs2")]).toEqual([
      ["0", "1", "2"],
      ["0", "1", "2"],
    ]);
    app.child.kill("SIGTERM");
    await app.exited;
  });

  test("a worker that cannot start makes start() in the parent reject with the worker's reason", async () => {
    const app = runApp(underTsx, { WORKERS: "1", BROKEN_WORKER: "1" });
    const failed = await app.waitFor((l) => l.event === "start-failed" && l.pid === app.child.pid);
    expect(failed.message).toMatch(/worker 0 of connector "mem" failed to start/);
    expect(failed.message).toMatch(/no connector with this connectorName was registered/);
    const [code] = await app.exited;
    expect(code).toBe(1);
  });
});
