// The Python romeways consumer (scripts/python/consumer_app.py) as a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { inject, onTestFinished } from "vitest";
import { Recorder } from "./recorder.js";

const APP = fileURLToPath(new URL("../../../scripts/python/consumer_app.py", import.meta.url));

export interface PythonAssigned {
  event: "assigned";
  partitions: number[];
}

/** What the Python handler got: payload and counter in Python's own JSON spelling. */
export interface PythonHandled {
  event: "message";
  payload: string;
  type: string;
  rw_resend_times: string;
  action: "handled" | "resend";
  client: string;
}

export type PythonLine = PythonAssigned | PythonHandled;

export interface PythonAppOptions {
  topic: string;
  groupId: string;
  clientId?: string;
  /** Counters at which the handler raises ResendException. */
  resendAt?: number[];
}

export class PythonApp {
  readonly lines = new Recorder<PythonLine>();
  readonly stderrLines = new Recorder<string>();
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    let pending = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) {
        if (line.startsWith("{")) this.lines.push(JSON.parse(line) as PythonLine);
        else if (line.trim()) this.stderrLines.push(`stdout: ${line}`);
      }
    });
    let pendingErr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      pendingErr += chunk;
      const complete = pendingErr.split("\n");
      pendingErr = complete.pop() ?? "";
      for (const line of complete) this.stderrLines.push(line);
    });
    void this.exited.then(([code, signal]) => {
      const stderr = this.stderrLines.items.slice(-40).join("\n");
      const error = new Error(
        `the Python app exited (${signal ?? `code ${code}`}); stderr:\n${stderr}`,
      );
      this.lines.fail(error);
      this.stderrLines.fail(error);
    });
  }

  /** Starts the app; it is killed when the test ends. */
  static start(options: PythonAppOptions): PythonApp {
    const child = spawn(inject("pythonPath"), [APP], {
      env: {
        ...process.env,
        KAFKA_BROKERS: inject("kafkaBrokers"),
        TOPIC: options.topic,
        GROUP_ID: options.groupId,
        CLIENT_ID: options.clientId ?? "romeways-python",
        RESEND_AT_COUNTERS: (options.resendAt ?? []).join(","),
        PYTHONUNBUFFERED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const app = new PythonApp(child);
    onTestFinished(() => app.kill());
    return app;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The handled messages so far (resent ones included, with action "resend"). */
  get messages(): PythonHandled[] {
    return this.lines.items.filter((line): line is PythonHandled => line.event === "message");
  }

  /** The partitions of the latest assignment line, once one matches `accept`. */
  async assigned(
    accept: (partitions: number[]) => boolean = (p) => p.length > 0,
    timeoutMs = 45_000,
  ): Promise<number[]> {
    const lines = await this.lines.until(
      "the Python consumer reports its partitions",
      (all) => {
        const last = all.filter((l): l is PythonAssigned => l.event === "assigned").at(-1);
        return last !== undefined && accept(last.partitions);
      },
      timeoutMs,
    );
    const last = lines.filter((l): l is PythonAssigned => l.event === "assigned").at(-1);
    return last?.partitions ?? [];
  }

  /** Resolves once `count` messages were handled (or resent) by the Python handler. */
  handled(count: number, timeoutMs?: number): Promise<PythonHandled[]> {
    return this.lines
      .until(
        `the Python app handled ${count} messages`,
        (all) => all.filter((l) => l.event === "message").length >= count,
        timeoutMs,
      )
      .then(() => this.messages);
  }

  /** SIGKILL (as a crash would; the app never leaves its group), resolves on exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
