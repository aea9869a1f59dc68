// kafkajs heartbeats only between messages or when asked: the connector keeps asking while a
// handler runs, so a handler slower than the session timeout keeps its group membership.
import "@romeways/connector-kafka";
import { createRomeways } from "@romeways/core";
import { type LogEntry, logLevel } from "kafkajs";
import { describe, expect, onTestFinished, test } from "vitest";
import {
  committedOffsets,
  connectorConfig,
  createTestTopic,
  kafkaAdmin,
  produce,
  queueConfig,
  waitUntil,
} from "./kafka-test-kit.js";

describe("a handler slower than the session timeout", () => {
  test("keeps its membership: one group join, the message handled once and committed", async () => {
    const topic = await createTestTopic();
    const kafkajsLog: string[] = [];
    const romeways = createRomeways({
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleSignals: false,
    });
    const handled: string[] = [];
    romeways.queueConsumer(
      topic.topic,
      queueConfig(topic, { sessionTimeout: 6_000, heartbeatInterval: 1_000, sequential: true }),
      async (message) => {
        // The handler's own work, 10 s: longer than the session timeout of 6 s.
        if (message.payload === "slow") await new Promise((resolve) => setTimeout(resolve, 10_000));
        handled.push(message.payload);
      },
    );
    romeways.connectorRegister({
      connector: "kafka",
      config: connectorConfig({
        // Capture kafkajs's own log to count group joins.
        logLevel: logLevel.INFO,
        logCreator: () => (entry: LogEntry) => kafkajsLog.push(entry.log.message),
      }),
    });
    await romeways.start();
    onTestFinished(() => romeways.stop());

    const started = performance.now();
    await produce(topic.topic, [{ value: "slow" }, { value: "after" }]);
    await waitUntil("both messages are handled", () => handled.length === 2, { timeoutMs: 60_000 });
    const [group] = (await (await kafkaAdmin()).describeGroups([topic.groupId])).groups;
    await romeways.stop();
    const joins = kafkajsLog.filter((message) => message === "Consumer has joined the group");
    console.log(
      `[kafka] slow handler: 10 s handler, 6 s session timeout; ${joins.length} group join(s), ` +
        `handled ${handled.join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)}s`,
    );
    expect(handled).toEqual(["slow", "after"]);
    expect(joins).toHaveLength(1);
    expect(group?.state).toBe("Stable");
    expect(group?.members).toHaveLength(1);
    expect((await committedOffsets(topic.groupId, topic.topic)).get(0)).toBe(2n);
  });
});
