import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export type Line = Record<string, unknown> & { pid: number };

/** A fixture program: its JSON stdout lines, its stderr (log) lines, a wait for a line. */
export interface OpsProcess {
  child: ChildProcess;
  lines: Line[];
  logs: string[];
  waitFor(predicate: (line: Line) => boolean, count?: number): Promise<Line[]>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

const running = new Set<ChildProcess>();

/** Kills what a test started and did not see exit: from afterEach. */
export function killLeftovers(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

export function runOps(args: string[], env: Record<string, string>): OpsProcess {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const lines: Line[] = [];
  const logs: string[] = [];
  const watchers = new Set<() => void>();
  const splitter = (onLine: (line: string) => void) => {
    let buffer = "";
    return (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) onLine(part);
      for (const watcher of watchers) watcher();
    };
  };
  child.stdout?.on(
    "data",
    splitter((part) => {
      // console.info writes to stdout: a line that is no JSON is a log line.
      if (part.startsWith("{")) lines.push(JSON.parse(part) as Line);
      else logs.push(part);
    }),
  );
  child.stderr?.on(
    "data",
    splitter((part) => {
      logs.push(part);
    }),
  );
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = (predicate: (line: Line) => boolean, count = 1) =>
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
        if (!watchers.delete(check)) return;
        reject(
          new Error(
            `exited before ${count} matching line(s); last lines: ${JSON.stringify(lines.slice(-5))}; logs: ${logs.slice(-5).join(" | ")}`,
          ),
        );
      });
    });
  return { child, lines, logs, waitFor, exited };
}

/** A loopback port free right now, for a fixture that needs a fixed one. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
