// One consumer group of Python romeways (aiokafka's defaults: the roundrobin protocol) and
// TypeScript romeways on a real broker: splitting partitions, and a handover after a crash.
import { describe, expect, test } from "vitest";
import {
  committedOffsets,
  produce,
  waitUntil,
} from "../../../packages/connector-kafka/test/kafka-test-kit.js";
import { PythonApp } from "./python-app.js";
import { createTopic, startTsApp, type TsApp } from "./ts-app.js";

const byNumber = (a: number, b: number) => a - b;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** How many of `names` repeat an earlier one. */
function duplicates(names: readonly string[]): number {
  return names.length - new Set(names).size;
}

describe("a consumer group of Python and TypeScript romeways", () => {
  test.each(["Python", "TypeScript"])(
    "one Python and one TypeScript consumer split 4 partitions (%s joins first), each message handled once",
    async (first) => {
      const topic = await createTopic(4);
      let python: PythonApp;
      let ts: TsApp;
      if (first === "Python") {
        python = PythonApp.start({ topic: topic.topic, groupId: topic.groupId });
        await python.assigned((partitions) => partitions.length === 4);
        // TypeScript joins the group Python leads: start() resolves once it is in.
        ts = await startTsApp(topic);
      } else {
        ts = await startTsApp(topic);
        python = PythonApp.start({ topic: topic.topic, groupId: topic.groupId });
      }
      // Python's share of the rebalance; TypeScript's comes in the same SyncGroup round.
      const pythonPartitions = await python.assigned((p) => p.length > 0 && p.length < 4);

      const perPartition = 10;
      const messages = [0, 1, 2, 3].flatMap((partition) =>
        Array.from({ length: perPartition }, (_, i) => ({
          partition,
          value: `p${partition}-m${i}`,
        })),
      );
      const produced = performance.now();
      await produce(topic.topic, messages);
      const total = messages.length;
      const handledNames = () => [
        ...python.messages.map((m) => JSON.parse(m.payload) as string),
        ...ts.messages.items.map((m) => m.payload),
      ];
      const pythonShare = perPartition * pythonPartitions.length;
      await Promise.all([
        python.handled(pythonShare),
        ts.messages.until(
          `TypeScript handled the other ${total - pythonShare}`,
          (all) => all.length >= total - pythonShare,
        ),
      ]);
      const elapsed = performance.now() - produced;
      const tsPartitions = [...new Set(ts.messages.items.map((m) => m.raw.partition))].sort(
        byNumber,
      );
      const partitionOf = (name: string) => Number(/^p(\d)/.exec(name)?.[1]);
      const pythonHandledPartitions = [
        ...new Set(python.messages.map((m) => partitionOf(JSON.parse(m.payload) as string))),
      ].sort(byNumber);

      console.log(
        `[python tests] group split of 4 partitions, ${first} first: Python [${pythonPartitions}] (${python.messages.length} messages), TypeScript [${tsPartitions}] (${ts.messages.items.length} messages); TS start() ${seconds(ts.startMs)}; ${total} messages handled in ${seconds(elapsed)}, duplicates ${duplicates(handledNames())}`,
      );
      expect(pythonHandledPartitions).toEqual(pythonPartitions);
      expect([...pythonPartitions, ...tsPartitions].sort(byNumber)).toEqual([0, 1, 2, 3]);
      expect(tsPartitions.length).toBeGreaterThan(0);
      expect(duplicates(handledNames())).toBe(0);
      expect(new Set(handledNames())).toEqual(new Set(messages.map((m) => m.value)));
    },
  );

  test("handover: Python is killed in the group, a TypeScript consumer starts and takes over", async () => {
    const topic = await createTopic();
    const python = PythonApp.start({ topic: topic.topic, groupId: topic.groupId });
    await python.assigned();
    const before = Array.from({ length: 5 }, (_, i) => ({ value: `before-${i}` }));
    await produce(topic.topic, before);
    await python.handled(before.length);
    // aiokafka auto-commits every 5 s: wait for it, so the handover point is known.
    await waitUntil(
      "Python committed what it handled",
      async () =>
        (await committedOffsets(topic.groupId, topic.topic)).get(0) === BigInt(before.length),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // SIGKILL: Python never leaves the group; its member lingers until its session times out.
    await python.kill("SIGKILL");
    const killed = performance.now();
    const after = Array.from({ length: 5 }, (_, i) => ({ value: `after-${i}` }));
    await produce(topic.topic, after);

    const ts = await startTsApp(topic);
    const handled = await ts.messages.until(
      `TypeScript handled the ${after.length} messages produced after the kill`,
      (all) => all.length >= after.length,
    );
    const takeover = performance.now() - killed;
    console.log(
      `[python tests] handover: TS start() took ${seconds(ts.startMs)} (Python's member lingered), first ${after.length} messages handled ${seconds(takeover)} after the kill, duplicates of before-* ${handled.filter((m) => m.payload.startsWith("before-")).length}`,
    );
    expect(handled.map((m) => m.payload)).toEqual(after.map((m) => m.value));
  });
});
