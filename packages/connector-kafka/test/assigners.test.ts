// The assignment algorithms on their own: balanced, deterministic, subscription-aware.
import { describe, expect, test } from "vitest";
import type {
  AssignmentAlgorithm,
  GroupAssignment,
  MemberSubscription,
} from "../src/assigners/assignment.js";
import { assignCooperativeSticky } from "../src/assigners/cooperative-sticky.js";
import { assignRange } from "../src/assigners/range.js";
import { assignRoundRobin } from "../src/assigners/roundrobin.js";

const member = (
  memberId: string,
  topics: string[],
  owned: Record<string, number[]> = {},
  generation = -1,
): MemberSubscription => ({
  memberId,
  topics,
  ownedPartitions: new Map(Object.entries(owned)),
  generation,
});

const partitions = (counts: Record<string, number>) =>
  new Map(Object.entries(counts).map(([topic, count]) => [topic, [...Array(count).keys()]]));

/** memberId → "topic-partition" labels, sorted, for readable expectations. */
const labels = (assignment: GroupAssignment) =>
  Object.fromEntries(
    [...assignment].map(([memberId, byTopic]) => [
      memberId,
      [...byTopic].flatMap(([topic, ps]) => ps.map((p) => `${topic}-${p}`)).sort(),
    ]),
  );

const countOf = (assignment: GroupAssignment, memberId: string) =>
  [...(assignment.get(memberId)?.values() ?? [])].reduce((sum, ps) => sum + ps.length, 0);

const algorithms: [string, AssignmentAlgorithm][] = [
  ["range", assignRange],
  ["roundrobin", assignRoundRobin],
  ["cooperative-sticky", assignCooperativeSticky],
];

describe.each(algorithms)("the %s assignor", (_, assign) => {
  test("gives every partition to exactly one member, no member two more than another", () => {
    const members = ["c", "a", "b"].map((id) => member(id, ["t"]));
    const assignment = assign(members, partitions({ t: 7 }));
    const all = Object.values(labels(assignment)).flat().sort();
    expect(all).toEqual([...Array(7).keys()].map((p) => `t-${p}`).sort());
    const counts = ["a", "b", "c"].map((id) => countOf(assignment, id));
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  test("gives the same split whatever order the members come in", () => {
    const members = ["m-2", "m-10", "m-1", "m-3"].map((id) => member(id, ["a", "b"]));
    const counts = partitions({ a: 5, b: 3 });
    const once = labels(assign(members, counts));
    expect(labels(assign([...members].reverse(), counts))).toEqual(once);
  });

  test("gives a member only partitions of topics it subscribes to", () => {
    const members = [member("a", ["x"]), member("b", ["x", "y"]), member("c", ["y"])];
    const assignment = labels(assign(members, partitions({ x: 4, y: 4 })));
    expect(assignment.a?.every((label) => label.startsWith("x-"))).toBe(true);
    expect(assignment.c?.every((label) => label.startsWith("y-"))).toBe(true);
    expect(Object.values(assignment).flat()).toHaveLength(8);
  });

  test("no members: nothing assigned; no partitions: every member gets an empty assignment", () => {
    expect(assign([], partitions({ t: 3 })).size).toBe(0);
    const empty = assign([member("a", ["t"]), member("b", [])], partitions({}));
    expect(labels(empty)).toEqual({ a: [], b: [] });
  });

  test("a topic no member subscribes to, or that the cluster does not know, is not assigned", () => {
    const assignment = labels(assign([member("a", ["t", "ghost"])], partitions({ t: 2, u: 2 })));
    expect(assignment).toEqual({ a: ["t-0", "t-1"] });
  });

  test("more members than partitions: the extra members get nothing", () => {
    const members = ["a", "b", "c"].map((id) => member(id, ["t"]));
    const counts = ["a", "b", "c"].map((id) => countOf(assign(members, partitions({ t: 2 })), id));
    expect(counts.sort()).toEqual([0, 1, 1]);
  });
});

describe("Kafka's split, as Java's assignors compute it", () => {
  test("range cuts each topic into consecutive ranges, the first members one more", () => {
    const members = ["b", "a", "c"].map((id) => member(id, ["t", "u"]));
    expect(labels(assignRange(members, partitions({ t: 5, u: 2 })))).toEqual({
      a: ["t-0", "t-1", "u-0"],
      b: ["t-2", "t-3", "u-1"],
      c: ["t-4"],
    });
  });

  test("roundrobin deals all topic-partitions in order, skipping members not subscribed", () => {
    const members = [member("a", ["t"]), member("b", ["t", "u"]), member("c", ["u"])];
    // t-0 a, t-1 b, t-2 (c skipped) a, u-0 b, u-1 c, u-2 (a skipped) b
    expect(labels(assignRoundRobin(members, partitions({ t: 3, u: 3 })))).toEqual({
      a: ["t-0", "t-2"],
      b: ["t-1", "u-0", "u-2"],
      c: ["u-1"],
    });
  });

  test("roundrobin on one topic and two members alternates partitions", () => {
    const members = [member("b", ["t"]), member("a", ["t"])];
    expect(labels(assignRoundRobin(members, partitions({ t: 4 })))).toEqual({
      a: ["t-0", "t-2"],
      b: ["t-1", "t-3"],
    });
  });
});

describe("the cooperative-sticky assignor", () => {
  test("leaves each owner what it owns when that is balanced", () => {
    const members = [member("a", ["t"], { t: [1, 3] }, 4), member("b", ["t"], { t: [0, 2] }, 4)];
    expect(labels(assignCooperativeSticky(members, partitions({ t: 4 })))).toEqual({
      a: ["t-1", "t-3"],
      b: ["t-0", "t-2"],
    });
  });

  test("never gives a partition one member owns to another in the same round", () => {
    // a owns all four; b is new. Two of a's must move: they are withheld, not handed over.
    const members = [member("a", ["t"], { t: [0, 1, 2, 3] }, 7), member("b", ["t"])];
    const first = assignCooperativeSticky(members, partitions({ t: 4 }));
    expect(countOf(first, "a")).toBe(2);
    expect(countOf(first, "b")).toBe(0);
    // a revoked them and rejoined owning two: now b gets the other two.
    const kept = first.get("a")?.get("t") ?? [];
    const second = assignCooperativeSticky(
      [member("a", ["t"], { t: kept }, 8), member("b", ["t"])],
      partitions({ t: 4 }),
    );
    expect(second.get("a")?.get("t")).toEqual(kept);
    expect(countOf(second, "b")).toBe(2);
  });

  test("a partition two members claim in the same generation goes to neither this round", () => {
    const members = [member("a", ["t"], { t: [0] }, 3), member("b", ["t"], { t: [0] }, 3)];
    expect(labels(assignCooperativeSticky(members, partitions({ t: 2 })))).toEqual({
      a: ["t-1"],
      b: [],
    });
  });

  test("the newer generation's claim wins over a stale one", () => {
    const members = [member("a", ["t"], { t: [0, 1] }, 2), member("b", ["t"], { t: [0] }, 5)];
    const assignment = labels(assignCooperativeSticky(members, partitions({ t: 2 })));
    expect(assignment.b).toEqual(["t-0"]);
    expect(assignment.a).toEqual(["t-1"]);
  });

  test("a claim on a topic the member no longer subscribes to does not hold the partition", () => {
    const members = [member("a", ["u"], { t: [0, 1] }, 2), member("b", ["t"])];
    expect(labels(assignCooperativeSticky(members, partitions({ t: 2, u: 1 })))).toEqual({
      a: ["u-0"],
      b: ["t-0", "t-1"],
    });
  });
});
