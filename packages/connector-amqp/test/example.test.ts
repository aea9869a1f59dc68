// examples/amqp runs as a user would run it, against the test broker.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, onTestFinished, test } from "vitest";
import { amqpUrl, deleteQueue, testQueue } from "./amqp-test-kit.js";

const exampleDir = fileURLToPath(new URL("../../../examples/amqp/", import.meta.url));

describe("examples/amqp", () => {
  test("handles four payments, resends the pending one once, dead-letters the refused one, and stops", async () => {
    const queue = testQueue("romeways-example");
    onTestFinished(() => deleteQueue(`${queue}.dead`));
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: exampleDir,
      env: { ...process.env, AMQP_URL: amqpUrl(), AMQP_QUEUE: queue },
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
