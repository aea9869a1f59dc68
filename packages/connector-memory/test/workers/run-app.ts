import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

export type Line = Record<string, unknown> & { pid: number };

/** A running fixture program whose JSON output lines the test can wait for. */
export interface RunningApp {
  child: ChildProcess;
  lines: Line[];
  /** Resolves with the first line (already seen or to come) that matches. */
  waitFor(predicate: (line: Line) => boolean): Promise<Line>;
  /** Resolves once `count` lines match. */
  waitForCount(predicate: (line: Line) => boolean, count: number): Promise<Line[]>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

const running = new Set<ChildProcess>();

/** Kills every app a test started and did not see exit: call from afterEach. */
export function killLeftoverApps(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

export function runApp(args: string[], env: Record<string, string>): RunningApp {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const lines: Line[] = [];
  const watchers = new Set<() => void>();
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.startsWith("{")) lines.push(JSON.parse(part) as Line);
    for (const watcher of watchers) watcher();
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const waitForCount = (predicate: (line: Line) => boolean, count: number) =>
    new Promise<Line[]>((resolve, reject) => {
      const check = () => {
        const matching = lines.filter(predicate);
        if (matching.length < count) return;
        watchers.delete(check);
        resolve(matching);
      };
      watchers.add(check);
      check();
      void exited.then(() => {
        if (!watchers.has(check)) return;
        watchers.delete(check);
        reject(
          new Error(
            `the app exited before ${count} matching lines; last lines: ${JSON.stringify(lines.slice(-5))}`,
          ),
        );
      });
    });
  const waitFor = async (predicate: (line: Line) => boolean) =>
    (await waitForCount(predicate, 1))[0] as Line;
  return { child, lines, waitFor, waitForCount, exited };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone; rejects after `timeoutMs`. There is no event for a foreign process. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (isAlive(pid)) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}
