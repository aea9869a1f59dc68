import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const fixture = fileURLToPath(new URL("./fixtures/signal-app.ts", import.meta.url));

function runFixture() {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const waitFor = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!stdout.includes(text)) return;
        child.stdout.off("data", check);
        resolve();
      };
      child.stdout.on("data", check);
      check();
    });
  return { child, waitFor, output: () => stdout };
}

describe("signals (real child process)", () => {
  test.each(["SIGTERM", "SIGINT"] as const)(
    "%s drains the running handler, leaves the rest queued, and ends the process with that signal",
    async (signal) => {
      const { child, waitFor, output } = runFixture();
      await waitFor("handling job-1");
      const exited = once(child, "exit");
      child.kill(signal);
      const [code, exitSignal] = await exited;
      expect(output()).toContain("finished job-1");
      expect(output()).toContain("stopped drained=true left=1");
      expect(output()).not.toContain("handling job-2");
      expect({ code, exitSignal }).toEqual({ code: null, exitSignal: signal });
    },
  );
});
