// One consumer group shared by romeways and other clients on their defaults: a Java consumer
// (assignors range, cooperative-sticky) and a plain kafkajs one, as older romeways ran it
// (RoundRobinAssigner only). Each test prints how the partitions were split.
import { performance } from "node:perf_hooks";
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
import { type LineProcess, startJavaConsumer, startKafkajsMember } from "./line-process.js";

const messageCount = 2_000;
const messages = () =>
  Array.from({ length: messageCount }, (_, i) => ({ key: `key-${i}`, value: `id-${i}` }));
const partitionsOf = (records: readonly { partition: number }[]) =>
  [...new Set(records.map((record) => record.partition))].sort();

async function groupProtocol(topic: TestTopic): Promise<string | undefined> {
  const { groups } = await (await kafkaAdmin()).describeGroups([topic.groupId]);
  return groups[0]?.protocol;
}

/** Produces, waits until the two handled every message between them, and checks the split. */
async function shareTheTopic(topic: TestTopic, other: LineProcess, romewaysFile: string) {
  const started = performance.now();
  await produce(topic.topic, messages());
  const all = () => [
    ...other.records().map((record) => ({ id: record.value, pid: 0 })),
    ...readHandled(romewaysFile).map((record) => ({ id: record.id, pid: record.pid })),
  ];
  await waitUntil("every message is handled", () => countHandled(all()).distinct === messageCount, {
    intervalMs: 100,
  });
  const byOther = other.records();
  const byRomeways = readHandled(romewaysFile);
  return {
    seconds: (performance.now() - started) / 1000,
    byOther,
    byRomeways,
    duplicates: countHandled(all()).duplicates,
  };
}

describe("a consumer group shared with other clients", () => {
  test.each(["the Java consumer", "romeways"])(
    "a romeways consumer and a Java consumer on its defaults split 4 partitions, each message handled once (%s joins first)",
    async (first) => {
      const topic = await createTestTopic({ partitions: 4 });
      const file = handledFile();
      let java: LineProcess;
      if (first === "romeways") {
        await startConsumerProcess(topic, file).ready;
        java = await startJavaConsumer(topic);
      } else {
        java = await startJavaConsumer(topic);
        await java.assigned();
        await startConsumerProcess(topic, file).ready;
      }
      // Settled once the Java consumer holds part of the topic, not none or all of it.
      const javaPartitions = await java.assigned((ps) => ps.length > 0 && ps.length < 4);

      const { seconds, byOther, byRomeways, duplicates } = await shareTheTopic(topic, java, file);
      const protocol = await groupProtocol(topic);
      console.log(
        `[kafka] group with a Java consumer (${first} first): protocol ${protocol}; ` +
          `Java partitions ${partitionsOf(byOther).join(",")} (${byOther.length} messages), ` +
          `romeways partitions ${partitionsOf(byRomeways).join(",")} (${byRomeways.length} messages), ` +
          `${duplicates} handled twice, ${messageCount} in ${seconds.toFixed(1)}s`,
      );
      expect(protocol).toBe("range");
      expect(duplicates).toBe(0);
      expect(byOther.length).toBeGreaterThan(0);
      expect(byRomeways.length).toBeGreaterThan(0);
      expect(partitionsOf(byOther)).toEqual(javaPartitions);
      expect(partitionsOf(byRomeways).filter((p) => javaPartitions.includes(p))).toEqual([]);
    },
  );

  test.each(["the older member", "romeways"])(
    "a romeways consumer shares a group with an older member that offers only RoundRobinAssigner (%s joins first)",
    async (first) => {
      const topic = await createTestTopic({ partitions: 4 });
      const file = handledFile();
      let old: LineProcess;
      if (first === "romeways") {
        await startConsumerProcess(topic, file).ready;
        old = startKafkajsMember(topic, 10_000);
      } else {
        old = startKafkajsMember(topic, 10_000);
        await old.assigned((ps) => ps.length === 4);
        await startConsumerProcess(topic, file).ready;
      }
      const oldPartitions = await old.assigned((ps) => ps.length > 0 && ps.length < 4);

      const { byOther, byRomeways, duplicates } = await shareTheTopic(topic, old, file);
      const protocol = await groupProtocol(topic);
      console.log(
        `[kafka] group with a plain kafkajs member (${first} first): protocol ${protocol}; ` +
          `kafkajs partitions ${partitionsOf(byOther).join(",")} (${byOther.length} messages), ` +
          `romeways partitions ${partitionsOf(byRomeways).join(",")} (${byRomeways.length} messages), ` +
          `${duplicates} handled twice`,
      );
      expect(protocol).toBe("RoundRobinAssigner");
      expect(duplicates).toBe(0);
      expect(partitionsOf(byOther)).toEqual(oldPartitions);
      expect(byRomeways.length).toBeGreaterThan(0);
    },
  );
});
