// examples/nats runs as a user would run it, against the test server.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { natsUrl, uniqueSubject } from "./nats-test-kit.js";

const exampleDir = fileURLToPath(new URL("../../../examples/nats/", import.meta.url));

describe("examples/nats", () => {
  test("handles four payments, resends the pending one once, dead-letters the refused one, and stops", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: exampleDir,
      env: { ...process.env, NATS_URL: natsUrl(), NATS_SUBJECT: uniqueSubject("payments") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const lines = output.trim().split("\n");
    expect(lines).toContain("resent payment 2 pending (rwResendTimes -> 1)");
    expect(lines.filter((line) => line.startsWith("handled")).sort()).toEqual([
      "handled payment 1 (rwResendTimes=0)",
      "handled payment 2 pending (rwResendTimes=1)",
      "handled payment 3 (rwResendTimes=0)",
      'handled {"id": 4} (rwResendTimes=0)',
    ]);
    expect(lines).toContain("dead letter payment 5 refused: card refused");
    expect(lines.at(-1)).toBe("stopped: every message settled");
  });
});
