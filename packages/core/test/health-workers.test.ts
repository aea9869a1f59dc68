import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RomewaysHealth } from "@romeways/core";
import { afterEach, describe, expect, test } from "vitest";
import { freePort, isAlive, killLeftovers, type Line, runOps } from "./ops-process.js";

const app = ["--import", "tsx", fileURLToPath(new URL("./fixtures/ops-app.ts", import.meta.url))];
const handled = (line: Line) => typeof line.handled === "string";
const event = (name: string) => (line: Line) => line.event === name;

async function probe(
  port: number,
  path: string,
): Promise<{ status: number; body: RomewaysHealth }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as RomewaysHealth };
}

afterEach(killLeftovers);

describe("health of an app with worker processes (real child processes)", () => {
  test("a two-worker app lists both workers and their queues; /readyz and /livez are 200; SIGTERM exits by the signal", async () => {
    const healthPort = await freePort();
    const appPort = await freePort();
    const ops = runOps(app, {
      HEALTH_PORT: String(healthPort),
      APP_PORT: String(appPort),
      WORKERS: "2",
      MESSAGES: "20",
      LOG_LEVEL: "info",
    });
    const [started] = await ops.waitFor(event("parent:started"));
    // The parent's own server kept its port: the workers ran workerEntry, not this file.
    expect(started?.appPort).toBe(appPort);
    await ops.waitFor(handled, 20);
    const ready = await probe(healthPort, "/readyz");
    const live = await probe(healthPort, "/livez");
    console.log(`health of a running two-worker app:\n${JSON.stringify(ready.body, null, 2)}`);
    expect(ready.status).toBe(200);
    expect(live.status).toBe(200);
    const health = ready.body;
    expect(health).toMatchObject({ state: "running", live: true, ready: true, reasons: [] });
    expect(health.workers.map((w) => [w.workerIndex, w.state, w.restarts, w.responded])).toEqual([
      [0, "running", 0, true],
      [1, "running", 0, true],
    ]);
    const workerPids = health.workers.map((w) => w.pid);
    expect(new Set(workerPids).size).toBe(2);
    expect(workerPids).not.toContain(ops.child.pid);
    expect(health.queues.map((q) => [q.queueName, q.workerIndex, q.pid])).toEqual([
      ["jobs", 0, workerPids[0]],
      ["jobs", 1, workerPids[1]],
    ]);
    for (const queue of health.queues) {
      expect(queue).toMatchObject({ state: "running", connected: true, inFlight: 0, ready: true });
      expect(typeof queue.lastPollAt).toBe("string");
    }
    expect(health.queues.some((q) => q.lastOutcome?.outcome === "handled")).toBe(true);
    const notFound = await fetch(`http://127.0.0.1:${healthPort}/metrics`);
    expect(notFound.status).toBe(404);

    ops.child.kill("SIGTERM");
    const [code, signal] = await ops.exited;
    // Documented: after the drain the signal is raised again, so the exit is by SIGTERM (143).
    expect([code, signal]).toEqual([null, "SIGTERM"]);
    const logs = ops.logs.join("\n");
    console.log(`log lines of the start and stop at level info:\n${logs}`);
    expect(logs).not.toMatch(/restart failed|EADDRINUSE/);
    expect(logs).toMatch(/health endpoint listening on port \d+/);
    expect(logs).toMatch(/worker 0 started/);
    expect(logs).toMatch(/worker 1 exited \(code 0\)/);
    expect(logs).toMatch(/romeways stopped: drained/);
    // One line per event: every log line starts with the prefix.
    expect(ops.logs.filter((l) => l.length > 0).every((l) => l.startsWith("[romeways] "))).toBe(
      true,
    );
  });

  test("a worker's reportDisconnected reaches the parent's events, and its queue makes /readyz 503", async () => {
    const healthPort = await freePort();
    const ops = runOps(app, { HEALTH_PORT: String(healthPort), WORKERS: "1", FLAKY: "1" });
    await ops.waitFor(event("parent:started"));
    const [error] = await ops.waitFor(event("connector:error"));
    expect(error).toMatchObject({
      queue: "events",
      phase: "connection",
      message: "connect ECONNREFUSED 127.0.0.1:1",
    });
    const ready = await probe(healthPort, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body.reasons).toEqual([
      'queue "events" (connector "flaky") is not connected: connect ECONNREFUSED 127.0.0.1:1',
    ]);
    expect(ready.body.workers.map((w) => [w.connectorName, w.state])).toEqual([
      ["mem", "running"],
      ["flaky", "running"],
    ]);
    expect((await probe(healthPort, "/livez")).status).toBe(200);
    ops.child.kill("SIGTERM");
    await ops.exited;
  });

  test('SIGTERM right after a worker restart: no false "restart failed", the new worker stops too', async () => {
    const ops = runOps(app, {
      HEALTH_PORT: String(await freePort()),
      WORKERS: "1",
      LOG_LEVEL: "info",
    });
    await ops.waitFor(event("parent:started"));
    const [first] = await ops.waitFor(event("worker:started"));
    process.kill(first?.worker as number, "SIGKILL");
    const [restarted] = await ops.waitFor(event("worker:restarted"));
    // As a terminal's Ctrl-C or a container runtime does: the signal reaches the parent and the
    // new worker, which is still loading and has not reported ready; it dies of it.
    ops.child.kill("SIGTERM");
    process.kill(restarted?.worker as number, "SIGTERM");
    const [code, signal] = await ops.exited;
    expect([code, signal]).toEqual([null, "SIGTERM"]);
    const logs = ops.logs.join("\n");
    expect(logs).not.toMatch(/restart failed/);
    expect(logs).toMatch(/romeways stopped: drained/);
    expect(isAlive(restarted?.worker as number)).toBe(false);
  });

  test("a message that crashes its worker is dead-lettered with reason crashed after maxWorkerCrashes (3)", async () => {
    const ops = runOps(app, {
      HEALTH_PORT: String(await freePort()),
      WORKERS: "2",
      MESSAGES: "10",
      MODE: "crash",
    });
    await ops.waitFor(event("parent:started"));
    const [dead] = await ops.waitFor(event("dead-lettered"));
    expect(dead).toMatchObject({ payload: "poison", reason: "crashed" });
    const exits = ops.lines.filter(event("worker:exited"));
    expect(exits).toHaveLength(3);
    await ops.waitFor(handled, 10);
    ops.child.send("dead-letters");
    const [count] = await ops.waitFor((line) => line.deadLetters !== undefined);
    expect(count?.deadLetters).toBe(1);
    expect(ops.lines.filter(handled).map((l) => l.handled)).not.toContain("poison");
    ops.child.kill("SIGTERM");
    await ops.exited;
  });

  test("the same for a connector each worker reaches itself (no state in the parent, as Kafka)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "romeways-crashes-"));
    try {
      const ops = runOps(
        [
          "--import",
          "tsx",
          fileURLToPath(new URL("./fixtures/folder-crash-app.ts", import.meta.url)),
        ],
        { DIR: dir, MESSAGES: "5" },
      );
      const [dead] = await ops.waitFor(event("dead-lettered"));
      expect(dead).toMatchObject({ payload: "poison", reason: "crashed" });
      expect(ops.lines.filter(event("worker:exited"))).toHaveLength(3);
      const handledPayloads = (await ops.waitFor(handled, 5)).map((l) => l.handled);
      expect(handledPayloads.sort()).toEqual(["0", "1", "2", "3", "4"]);
      ops.child.kill("SIGTERM");
      await ops.exited;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
