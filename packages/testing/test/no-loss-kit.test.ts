// The no-loss kit's handled log: what a consumer process records, read back and counted.
import { describe, expect, onTestFinished, test } from "vitest";
import {
  countHandled,
  handledFile,
  readHandled,
  recordHandled,
  repeatedIds,
} from "../src/index.js";

describe("the no-loss kit's handled log", () => {
  test("records come back with their pid and extra fields, counted and with the repeats named", () => {
    const file = handledFile(onTestFinished);
    expect(readHandled(file)).toEqual([]);
    recordHandled(file, "id-1", ["entry-1"]);
    recordHandled(file, "id-2");
    recordHandled(file, "id-1", ["entry-1"]);
    const records = readHandled(file);
    expect(records[0]).toEqual({ id: "id-1", pid: process.pid, extra: ["entry-1"] });
    expect(records[1]).toEqual({ id: "id-2", pid: process.pid, extra: [] });
    expect(countHandled(records)).toEqual({ distinct: 2, duplicates: 1 });
    expect(repeatedIds(records)).toEqual(["id-1"]);
  });

  test("an id or field with whitespace is refused: the records are space-separated", () => {
    const file = handledFile(onTestFinished);
    expect(() => recordHandled(file, "two words")).toThrow(/no whitespace/);
    expect(() => recordHandled(file, "id", ["a b"])).toThrow(/no whitespace/);
  });
});
