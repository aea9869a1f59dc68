// Real worker processes (spawnProcess on the memory connector): spans are recorded where the
// handlers run, metrics once, in the parent, from the events the workers forward.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const entry = fileURLToPath(new URL("./fixtures/worker-app.ts", import.meta.url));

type Line = Record<string, unknown> & { pid: number };

test("with two workers, the parent counts every outcome once and a resend's trace continues in whichever worker takes it", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { ...process.env, MESSAGES: "100" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Line[] = [];
  let buffer = "";
  const counted = new Promise<Line>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) {
        if (!part.startsWith("{")) continue;
        const line = JSON.parse(part) as Line;
        lines.push(line);
        if (line.counters !== undefined) resolve(line);
      }
    });
  });
  const exited = once(child, "exit");
  try {
    const { counters, pid: parent } = await Promise.race([
      counted,
      exited.then(() => {
        throw new Error(`the app exited early: ${JSON.stringify(lines.slice(-5))}`);
      }),
    ]);
    expect(counters).toEqual({ handled: 100, resent: 10 });
    const spans = lines.filter((line) => line.span !== undefined);
    // Spans come from the workers, one per delivery.
    expect(spans).toHaveLength(110);
    expect(spans.every((span) => span.pid !== parent)).toBe(true);
    expect(new Set(spans.map((span) => span.pid)).size).toBe(2);
    const resent = spans.filter((span) => span.outcome === "resent");
    expect(resent).toHaveLength(10);
    for (const first of resent) {
      const second = spans.find((span) => span.parent === first.span);
      expect(second?.outcome).toBe("handled");
      expect(second?.trace).toBe(first.trace);
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
