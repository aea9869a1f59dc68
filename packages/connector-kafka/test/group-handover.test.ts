// A romeways consumer starting on a group whose previous member was SIGKILLed: the dead member
// stays registered until its session timeout ends, and start() waits for the join instead of
// failing. Each test prints how long start() took.
import { performance } from "node:perf_hooks";
import { KafkaQueueConnector } from "@romeways/connector-kafka";
import { logLevel } from "kafkajs";
import { describe, expect, test } from "vitest";
import {
  countHandled,
  handledFile,
  readHandled,
  startConsumerProcess,
} from "./consumer-process.js";
import {
  connectorConfig,
  createTestTopic,
  kafkaAdmin,
  produce,
  queueConfig,
  type TestTopic,
  waitUntil,
} from "./kafka-test-kit.js";
import { type LineProcess, startJavaConsumer, startKafkajsMember } from "./line-process.js";

const messageCount = 300;
const messages = () =>
  Array.from({ length: messageCount }, (_, i) => ({ key: `key-${i}`, value: `id-${i}` }));

async function kill(member: LineProcess): Promise<number> {
  member.child.kill("SIGKILL");
  await member.exited;
  return performance.now();
}

/** Starts the romeways app on the group; resolves with seconds from `since` to start()'s end. */
async function handOver(topic: TestTopic, since: number, env: Record<string, string> = {}) {
  const file = handledFile();
  await startConsumerProcess(topic, file, env).ready;
  const startSeconds = (performance.now() - since) / 1000;
  await waitUntil(
    "the new member handled every message",
    () => countHandled(readHandled(file)).distinct === messageCount,
    { intervalMs: 100 },
  );
  const { groups } = await (await kafkaAdmin()).describeGroups([topic.groupId]);
  return { startSeconds, protocol: groups[0]?.protocol, members: groups[0]?.members.length };
}

describe("taking over a group from a member that was killed", () => {
  test("start() waits while a SIGKILLed Java consumer on its defaults is still registered, then consumes", async () => {
    const topic = await createTestTopic({ partitions: 4 });
    const java = await startJavaConsumer(topic);
    await java.assigned((ps) => ps.length === 4);
    const killedAt = await kill(java);
    await produce(topic.topic, messages());

    const { startSeconds, protocol, members } = await handOver(topic, killedAt);
    console.log(
      `[kafka] handover from a SIGKILLed Java consumer (session.timeout.ms 45 s): romeways start() ` +
        `resolved ${startSeconds.toFixed(1)}s after the kill; protocol ${protocol}, ${members} member(s); ` +
        `${messageCount}/${messageCount} handled`,
    );
    expect(protocol).toBe("range");
    expect(members).toBe(1);
  });

  test("start() retries a join the group refuses while a killed member with no assignor in common lingers", async () => {
    const topic = await createTestTopic({ partitions: 4 });
    const sessionTimeoutMs = 8_000;
    const old = startKafkajsMember(topic, sessionTimeoutMs);
    await old.assigned((ps) => ps.length === 4);
    const killedAt = await kill(old);
    await produce(topic.topic, messages());

    // Offers only "range"; the dead member offered only "RoundRobinAssigner".
    const { startSeconds, protocol } = await handOver(topic, killedAt, {
      PARTITION_ASSIGNERS: "range",
    });
    console.log(
      `[kafka] handover from a SIGKILLed kafkajs member (RoundRobinAssigner only, session ${sessionTimeoutMs / 1000} s) ` +
        `to a romeways consumer offering only range: start() resolved ${startSeconds.toFixed(1)}s after the kill; ` +
        `protocol ${protocol}; ${messageCount}/${messageCount} handled`,
    );
    expect(protocol).toBe("range");
    // Refused until the broker evicted the dead member: not before most of its session ended.
    expect(startSeconds).toBeGreaterThan(sessionTimeoutMs / 2 / 1000);
  });

  test("start() gives up after joinTimeoutMs, naming the group's assignor and what to change", async () => {
    const topic = await createTestTopic({ partitions: 2 });
    const old = startKafkajsMember(topic, 10_000);
    await old.assigned();
    const connector = new KafkaQueueConnector(
      connectorConfig({ logLevel: logLevel.NOTHING }),
      queueConfig(topic, { partitionAssigners: ["range"], joinTimeoutMs: 3_000 }),
      topic.topic,
    );
    const started = performance.now();
    const error = await connector.start().then(
      () => new Error("start() resolved"),
      (failure: unknown) => failure,
    );
    await connector.stop();
    const seconds = (performance.now() - started) / 1000;
    console.log(`[kafka] start() gave up after ${seconds.toFixed(1)}s: ${String(error)}`);
    expect(String(error)).toMatch(/within joinTimeoutMs \(3000 ms/);
    expect(String(error)).toContain('the group runs the assignor "RoundRobinAssigner"');
    expect(String(error)).toContain("partitionAssigners");
    expect(seconds).toBeLessThan(10);
  });
});
