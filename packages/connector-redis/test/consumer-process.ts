// Runs test/fixtures/consumer-app.ts as a child process and reads what it handled.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFinishedLines } from "@romeways/testing";
import { onTestFinished } from "vitest";
import { redisUrl, type TestStream } from "./redis-test-kit.js";

const fixture = fileURLToPath(new URL("./fixtures/consumer-app.ts", import.meta.url));

export interface HandledRecord {
  id: string;
  /** The stream entry it came from. */
  entry: string;
  /** The process that handled it. */
  pid: number;
}

export interface ConsumerProcess {
  readonly child: ChildProcess;
  /** Resolves once the app's start() resolved (the group exists, the consumer reads). */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** A fresh file for the handled records of one test, removed when the test ends. */
export function handledFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "romeways-redis-handled-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "handled.txt");
}

/** Starts the consumer app on `stream`'s group; killed with SIGKILL if still running at the end. */
export function startConsumerProcess(
  { stream, group }: TestStream,
  file: string,
  env: Record<string, string> = {},
): ConsumerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl(),
      STREAM: stream,
      GROUP: group,
      HANDLED_FILE: file,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", () => {
      if (stdout.includes("ready\n")) resolve();
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`consumer exited before it was ready (${signal ?? code}): ${stdout}`)),
    );
  });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  return { child, ready, exited, output: () => stdout };
}

export function readHandled(file: string): HandledRecord[] {
  return readFinishedLines(file).map((line) => {
    const [id, entry, pid] = line.split(" ") as [string, string, string];
    return { id, entry, pid: Number(pid) };
  });
}

/** How many different messages were handled, and how many handlings were repeats. */
export function countHandled(records: readonly HandledRecord[]): {
  distinct: number;
  duplicates: number;
} {
  const distinct = new Set(records.map((record) => record.id)).size;
  return { distinct, duplicates: records.length - distinct };
}
