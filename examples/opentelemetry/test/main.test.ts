// The example prints what the package README says it does; this test holds it to that.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

test("the example scrapes its outcome counters and prints the resent order's trace", async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", main]);
  // romeways' own info lines (start, stop) aside.
  const printed = stdout
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("[romeways]"));
  expect(printed).toEqual([
    "romeways_messages_total handled 20",
    "romeways_messages_total resent 1",
    "span process orders: resent",
    "child span process orders: handled, same trace: true",
  ]);
  expect(stderr).toBe("");
});
