// The codec against vectors the real Python package writes now, and the checked-in file
// (which core's unit tests use) against them.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, test } from "vitest";
import {
  checkVector,
  type PythonVectorFile,
} from "../../../packages/core/test/vectors/assert-vector.js";

const generator = fileURLToPath(
  new URL("../../../scripts/python/make_vectors.py", import.meta.url),
);
const checkedIn = fileURLToPath(
  new URL("../../../packages/core/test/vectors/python-message-vectors.json", import.meta.url),
);

const run = spawnSync(inject("pythonPath"), [generator], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) throw new Error(`make_vectors.py failed (${run.status}):\n${run.stderr}`);
const fresh = JSON.parse(run.stdout) as PythonVectorFile;

describe(`vectors written now by rome-ways ${fresh.romeways} on Python ${fresh.python}`, () => {
  test("the checked-in file is what Python writes, but for the python version", () => {
    const stored = JSON.parse(readFileSync(checkedIn, "utf8")) as PythonVectorFile;
    console.log(
      `[python tests] ${fresh.vectors.length} vectors (${fresh.vectors.filter((v) => v.decoded === null).length} where Python raises on decode, ${fresh.vectors.filter((v) => v.resend === null).length} on resend)`,
    );
    expect({ ...fresh, python: "" }).toEqual({ ...stored, python: "" });
    expect(fresh.vectors.length).toBeGreaterThanOrEqual(100);
  });

  test.each(fresh.vectors.map((vector) => [vector.name, vector] as const))("%s", (_, vector) => {
    checkVector(vector);
  });
});
