// start()'s join loop on its own: which failures it tries again, for how long, and what its
// error says. The broker's side is in group-handover.test.ts.
import { describe, expect, test } from "vitest";
import { type JoinAttempts, type JoinSetback, joinWithin } from "../src/group-join.js";

class Refused extends Error {
  constructor(readonly setback: JoinSetback | undefined) {
    super(`refused (${setback ?? "final"})`);
  }
}

/** Attempts that fail with `setbacks` in turn, then succeed; counts the tries. */
function attempts(setbacks: (JoinSetback | undefined)[], protocol = "roundrobin") {
  let tries = 0;
  const plan: JoinAttempts<string> & { tries(): number } = {
    attempt: async () => {
      const setback = setbacks[tries++];
      if (tries > setbacks.length) return "joined";
      throw new Refused(setback);
    },
    setbackOf: (error) => (error instanceof Refused ? error.setback : undefined),
    describeGroup: async () => ({ protocol, state: "Stable", clientIds: ["python-a", "python-a"] }),
    tries: () => tries,
  };
  return plan;
}

const limits = (joinTimeoutMs: number) => ({
  groupId: "payments",
  joinTimeoutMs,
  offered: ["range", "RoundRobinAssigner"],
});
const never = new AbortController().signal;

describe("joining within joinTimeoutMs", () => {
  test("a refused or slow join is tried again until it succeeds", async () => {
    const plan = attempts(["incompatible-assignors", "slow-join", "transient"]);
    await expect(joinWithin(limits(10_000), plan, never)).resolves.toBe("joined");
    expect(plan.tries()).toBe(4);
  });

  test("a failure no later try can mend fails at once", async () => {
    const plan = attempts([undefined, "transient"]);
    await expect(joinWithin(limits(10_000), plan, never)).rejects.toThrow("refused (final)");
    expect(plan.tries()).toBe(1);
  });

  test("past joinTimeoutMs it fails naming the group's assignor, its members and the options", async () => {
    const plan = attempts(Array(1_000).fill("incompatible-assignors"));
    const started = performance.now();
    const error = await joinWithin(limits(600), plan, never).catch((failure: unknown) => failure);
    const elapsedMs = performance.now() - started;
    expect(String(error)).toContain(
      'could not join group "payments" within joinTimeoutMs (600 ms, ',
    );
    expect(String(error)).toContain(
      'the group runs the assignor "roundrobin" (members: python-a) and this consumer offers range, RoundRobinAssigner',
    );
    expect(String(error)).toContain("partitionAssigners");
    expect((error as Error).cause).toBeInstanceOf(Refused);
    // Tries back off (0.25 s, 0.5 s, ...), so few fit in 0.6 s; none starts after it.
    expect(plan.tries()).toBeLessThanOrEqual(3);
    expect(elapsedMs).toBeGreaterThanOrEqual(590);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  test("a join still rebalancing at the deadline says to raise joinTimeoutMs and rebalanceTimeout", async () => {
    const error = await joinWithin(
      limits(300),
      attempts(Array(100).fill("slow-join")),
      never,
    ).catch((failure: unknown) => failure);
    expect(String(error)).toMatch(/still rebalancing .* raise joinTimeoutMs .* rebalanceTimeout/);
  });

  test("stop() ends the wait between tries with the last failure", async () => {
    const stop = new AbortController();
    const plan = attempts(Array(100).fill("incompatible-assignors"));
    const joining = joinWithin(limits(60_000), plan, stop.signal);
    stop.abort();
    await expect(joining).rejects.toBeInstanceOf(Refused);
    expect(plan.tries()).toBe(1);
  });
});
