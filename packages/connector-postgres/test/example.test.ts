// examples/postgres runs as a user would run it, against the test server.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { databaseUrl, newQueueName } from "./postgres-test-kit.js";

const exampleDir = fileURLToPath(new URL("../../../examples/postgres/", import.meta.url));

describe("examples/postgres", () => {
  test("ships three orders written with their messages in one transaction, resends the back-ordered one once, and stops", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: exampleDir,
      env: { ...process.env, DATABASE_URL: databaseUrl(), QUEUE: newQueueName("example") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const lines = output.trim().split("\n");
    expect(lines).toContain('resent {"id":"o2","item":"a back-ordered kettle"}');
    expect(lines.filter((line) => line.startsWith("shipped")).sort()).toEqual([
      "shipped o1: a teapot (rwResendTimes=0)",
      "shipped o2: a back-ordered kettle (rwResendTimes=1)",
      "shipped o3: two cups (rwResendTimes=0)",
    ]);
    expect(lines.at(-1)).toBe("stopped: every order shipped");
  });
});
