import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { noLossEnv } from "./consumer-app.js";

export interface ConsumerProcessOptions {
  /** Absolute path of the consumer program (it calls `noLossConsumer()`). */
  entry: string;
  /** The handled file both processes of a run append to (see `handledFile`). */
  handledFile: string;
  /** More environment: the broker's URL, the queue, `NO_LOSS_HANDLER_DELAY_MS`, `NO_LOSS_WORKERS`. */
  env?: Record<string, string>;
  /** Node flags. Default: `["--import", "tsx"]` for a `.ts` entry, none otherwise. */
  execArgv?: string[];
  /** Your runner's per-test hook (vitest's `onTestFinished`): a process still running then is SIGKILLed. */
  cleanup?: (end: () => Promise<void>) => void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ConsumerProcess {
  readonly child: ChildProcess;
  /** Resolves once the program printed "ready" (its app's start() resolved); rejects if it exits first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<ProcessExit>;
  /** What the program printed so far. */
  output(): string;
  /** Sends `signal` (default SIGKILL) unless it exited, and resolves once it did. */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

/** Starts a consumer program as a child process; its stdout is kept, its stderr inherited. */
export function startConsumerProcess(options: ConsumerProcessOptions): ConsumerProcess {
  const execArgv = options.execArgv ?? (options.entry.endsWith(".ts") ? ["--import", "tsx"] : []);
  const child = spawn(process.execPath, [...execArgv, options.entry], {
    env: { ...process.env, ...options.env, [noLossEnv.handledFile]: options.handledFile },
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
  // Not awaited by everyone: a rejection after a deliberate kill is no error.
  ready.catch(() => {});
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  options.cleanup?.(async () => {
    await kill("SIGKILL");
  });
  return { child, ready, exited, output: () => stdout, kill };
}
