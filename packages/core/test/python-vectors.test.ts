import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkVector, type PythonVectorFile } from "./vectors/assert-vector.js";

// Written by scripts/python/make_vectors.py with the real rome-ways package; the Python interop
// project writes it again at test time and checks that it has not changed.
const file: PythonVectorFile = JSON.parse(
  readFileSync(new URL("./vectors/python-message-vectors.json", import.meta.url), "utf8"),
);

describe(`the codec decodes and resends as ${file.romeways} does`, () => {
  test("the vector file covers the bodies the issue names", () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(100);
  });

  test.each(file.vectors.map((vector) => [vector.name, vector] as const))("%s", (_, vector) =>
    checkVector(vector),
  );
});
