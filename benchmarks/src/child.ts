// Benchmarks that need a process of their own (fresh heap, own CPU accounting, worker
// processes that re-run the entry module) run an entry file in a child that reports once.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a child sends when it is done. */
export interface ChildResult<T> {
  type: "bench-result";
  result: T;
}

export interface ChildOptions {
  /** Extra environment for the child (inherited by its own workers). */
  env?: Record<string, string>;
  /** Extra Node flags, e.g. --expose-gc; the parent's flags (tsx's loader) come first. */
  nodeFlags?: string[];
  timeoutMs: number;
}

/** Runs `entry` (a file next to this one, e.g. "idle-child.ts") and resolves with its result. */
export function runChild<T>(entry: string, options: ChildOptions): Promise<T> {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  const child = fork(file, [], {
    execArgv: [...process.execArgv, ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise<T>((resolve, reject) => {
    let result: { value: T } | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} gave no result within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on("message", (message: ChildResult<T>) => {
      if (message?.type === "bench-result") result = { value: message.result };
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined && code === 0) resolve(result.value);
      else reject(new Error(`${entry} exited (code ${code}, signal ${signal}) without a result`));
    });
  });
}

/** In a child: sends the result to the benchmark runner, then exits. */
export async function reportToParent<T>(result: T): Promise<void> {
  const message: ChildResult<T> = { type: "bench-result", result };
  await new Promise<void>((resolve, reject) => {
    if (process.send === undefined) {
      console.log(JSON.stringify(result, null, 2));
      return resolve();
    }
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
  process.exit(0);
}
