import type { Connector } from "@romeways/core";
import { type ConformanceRunOptions, type PromiseResult, runConformance } from "@romeways/testing";
import { expect } from "vitest";
import type { Mutant } from "./broken-connectors.js";

/**
 * Runs the suite over a mutant and checks that the promise meant to catch it fails (and that
 * the older promises it evades pass, so the mutant is the realistic one). `targeted` runs only
 * those promises, for a broker where the whole suite takes minutes.
 */
export async function expectKilled<C extends Connector>(
  label: string,
  mutant: Mutant,
  options: ConformanceRunOptions<C>,
  scope: "whole suite" | "targeted" = "whole suite",
): Promise<PromiseResult[]> {
  const targeted = new Set([mutant.killedBy, ...(mutant.evades ?? [])]);
  const started = performance.now();
  const results = await runConformance({
    ...options,
    ...(scope === "targeted" ? { only: (name: string) => targeted.has(name) } : {}),
  });
  const failed = results.filter((result) => !result.passed);
  const killer = failed.find((result) => result.name === mutant.killedBy);
  console.log(
    `${label} mutant "${mutant.name}": ${failed.length} of ${results.length} promises failed (${scope}, ${(performance.now() - started).toFixed(0)} ms): ${failed.map((f) => `"${f.name}"`).join(", ")}${killer === undefined ? "" : `\n  killed by "${killer.name}": ${killer.error?.message.split("\n")[0]}`}`,
  );
  expect(results.length, "no promise ran").toBeGreaterThan(0);
  expect(failed.map((f) => f.name)).toContain(mutant.killedBy);
  expect(killer?.error?.message).toMatch(mutant.because);
  for (const name of mutant.evades ?? []) {
    const evaded = results.find((result) => result.name === name);
    expect(evaded?.passed, `"${name}" should pass (it is what the mutant evades)`).toBe(true);
  }
  return results;
}
