import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

test("the demo handles every greeting, one of them after a resend, and leaves no file behind", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", main]);
  // romeways' own info lines (start, stop) are checked in core's tests.
  const lines = stdout
    .split("\n")
    .filter((line) => line.length > 0 && !line.startsWith("[romeways] "));
  expect(lines.sort()).toEqual([
    "handled hallo (rwResendTimes=0)",
    "handled hello (rwResendTimes=0)",
    "handled hola (rwResendTimes=1)",
    expect.stringMatching(/^stopped: 0 message files left in /),
  ]);
});
