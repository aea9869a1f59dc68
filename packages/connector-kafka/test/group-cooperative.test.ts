// romeways, on its defaults, in a group of Java consumers set to the cooperative protocol
// alone (assignor cooperative-sticky): Java members keep consuming what they own during a
// rebalance, so a partition moves in two rounds, revoked by its owner first. kafkajs is eager
// and reports owning nothing; as the leader, romeways withholds a partition a Java member
// still owns (the assigners test checks that round by round).
import { describe, expect, test } from "vitest";
import {
  countHandled,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import {
  createTestTopic,
  kafkaAdmin,
  produce,
  type TestTopic,
  waitUntil,
} from "./kafka-test-kit.js";
import { type LineProcess, startJavaConsumer } from "./line-process.js";

const cooperativeOnly = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
const batch = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `id-${from + i}` }));
const current = (member: LineProcess) => member.assignments().at(-1) ?? [];

async function handledByAll(topic: TestTopic, javas: LineProcess[], file: string, total: number) {
  const all = () => [
    ...javas.flatMap((java) => java.records().map((record) => ({ id: record.value }))),
    ...readHandled(file).map((record) => ({ id: record.id })),
  ];
  await waitUntil("every message is handled", () => countHandled(all()).distinct === total, {
    intervalMs: 100,
  });
  const { groups } = await (await kafkaAdmin()).describeGroups([topic.groupId]);
  return { duplicates: countHandled(all()).duplicates, protocol: groups[0]?.protocol };
}

describe("a group of Java consumers on the cooperative protocol", () => {
  test("a romeways consumer joins a Java leader that owns every partition and gets its share", async () => {
    const topic = await createTestTopic({ partitions: 4 });
    const file = handledFile();
    const java = await startJavaConsumer(topic, cooperativeOnly);
    await java.assigned((ps) => ps.length === 4);
    await produce(topic.topic, batch(0, 500));
    await startConsumerProcess(topic, file).ready;
    // Two rounds: the Java leader withholds two partitions, revokes them, rejoins, hands them over.
    await java.assigned((ps) => ps.length === 2);
    await produce(topic.topic, batch(500, 500));
    const { duplicates, protocol } = await handledByAll(topic, [java], file, 1_000);
    const ours = [...new Set(readHandled(file).map((record) => record.partition))].sort();
    console.log(
      `[kafka] cooperative group, Java leader: protocol ${protocol}; Java assignments ` +
        `${java
          .assignments()
          .map((ps) => `[${ps}]`)
          .join(" -> ")}, romeways partitions ${ours}; ` +
        `${duplicates} of 1000 handled twice`,
    );
    expect(protocol).toBe("cooperative-sticky");
    expect(ours.filter((p) => current(java).includes(p))).toEqual([]);
    expect(ours.length).toBeGreaterThan(0);
  });

  test("as the leader, romeways rebalances two Java members sticky, none handled twice", async () => {
    const topic = await createTestTopic({ partitions: 6 });
    const file = handledFile();
    await startConsumerProcess(topic, file).ready;
    const first = await startJavaConsumer(topic, cooperativeOnly);
    await first.assigned((ps) => ps.length === 3);
    await produce(topic.topic, batch(0, 600));
    const second = await startJavaConsumer(topic, cooperativeOnly);
    // 3 owned by the first Java member, 3 free: the second gets 2, romeways 1, so one of the
    // first's moves to romeways in a second round, after the first revoked it.
    await second.assigned((ps) => ps.length === 2);
    await first.assigned((ps) => ps.length === 2);
    await produce(topic.topic, batch(600, 600));
    const { duplicates, protocol } = await handledByAll(topic, [first, second], file, 1_200);
    const ours = [...new Set(readHandled(file).map((record) => record.partition))].sort();
    console.log(
      `[kafka] cooperative group, romeways leader: protocol ${protocol}; first Java ` +
        `${first
          .assignments()
          .map((ps) => `[${ps}]`)
          .join(" -> ")}, second Java ` +
        `${second
          .assignments()
          .map((ps) => `[${ps}]`)
          .join(" -> ")}, romeways handled partitions ${ours}; ` +
        `${duplicates} of 1200 handled twice`,
    );
    expect(protocol).toBe("cooperative-sticky");
    // Sticky: the first member only ever lost partitions, it was never handed another.
    const [initial, ...later] = first.assignments();
    for (const assignment of later) {
      expect(assignment.every((p) => initial?.includes(p))).toBe(true);
    }
  });
});
