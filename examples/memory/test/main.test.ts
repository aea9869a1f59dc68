// `pnpm demo` runs this example; the README says what it shows, and this test holds it to that.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

test("the demo handles every payment in a worker process, one after a resend, then stops", async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", main]);
  const lines = stdout
    .split("\n")
    // romeways' own info lines (start, stop, workers) are checked in core's tests.
    .filter((line) => line.length > 0 && !line.startsWith("[romeways] "))
    .map((line) =>
      line.replace(/\[(parent|worker) \d+\]/, "[$1 <pid>]").replace(/worker \d+ /, "worker <pid> "),
    );
  expect(lines.sort()).toEqual(
    [
      "[parent <pid>] worker <pid> started",
      "[parent <pid>] resent payment 2 pending (rwResendTimes -> 1)",
      "[worker <pid>] handled payment 1 (rwResendTimes=0)",
      "[worker <pid>] handled payment 2 pending (rwResendTimes=1)",
      "[worker <pid>] handled payment 3 (rwResendTimes=0)",
      '[worker <pid>] handled {"id": 4} (rwResendTimes=0)',
      "[parent <pid>] stopped: every message handled",
    ].sort(),
  );
  expect(stderr).toBe("");
});
