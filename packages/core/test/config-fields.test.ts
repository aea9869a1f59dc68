import { MemoryQueueConnector } from "@romeways/connector-memory";
import { describe, expect, test } from "vitest";
import { closestName, editDistance } from "../src/did-you-mean.js";
import {
  ConfigError,
  type Connector,
  type ConnectorConfig,
  type ConnectorConfigSpec,
  createRomeways,
  type QueueConfig,
} from "../src/index.js";
import { silentLogger } from "./support.js";

interface TopicConnectorConfig extends ConnectorConfig {
  brokers: string;
}
interface TopicQueueConfig extends QueueConfig {
  topic?: string;
  groupId: string;
}

const lifecycle: string[] = [];

/** A connector that declares its fields and a check of its configs, as Kafka's does. */
class TopicConnector implements Connector {
  static readonly configSpec: ConnectorConfigSpec<TopicConnectorConfig, TopicQueueConfig> = {
    connectorFields: { brokers: true },
    queueFields: { topic: true, groupId: true },
    check(_connectorConfig, queueConfig, queueName) {
      if (typeof queueConfig.groupId !== "string") {
        throw new ConfigError("set groupId", {
          queueName,
          connectorName: queueConfig.connectorName,
          field: "groupId",
        });
      }
    },
  };
  constructor(_c: TopicConnectorConfig, _q: TopicQueueConfig, queueName: string) {
    lifecycle.push(`new ${queueName}`);
  }
  async start() {
    lifecycle.push("start");
  }
  async getMessages() {
    return [];
  }
  async sendMessage() {}
  async ack() {}
  async stop() {}
}

const app = () => createRomeways({ logger: silentLogger, handleSignals: false });

async function startError(start: () => Promise<void>): Promise<ConfigError> {
  const error = await start().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!ConfigError.isInstance(error))
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe("did you mean", () => {
  test("the typos of the issue find their field; unrelated names find none", () => {
    const fields = ["topic", "groupId", "maxChunkSize", "sequential", "frequency"];
    expect(closestName("topik", fields)).toBe("topic");
    expect(closestName("maxChunksize", fields)).toBe("maxChunkSize");
    expect(closestName("sequental", fields)).toBe("sequential");
    expect(closestName("frequncy", fields)).toBe("frequency");
    expect(closestName("gropuId", fields)).toBe("groupId");
    expect(closestName("banana", fields)).toBeUndefined();
    expect(editDistance("abc", "acb")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("queue configs checked per connector at run time", () => {
  test("an unknown queue field of a connector that declares its fields fails start(), with a suggestion", async () => {
    const romeways = app();
    const topics = romeways.connectorRegister({
      connector: TopicConnector,
      config: { connectorName: "t", brokers: "b:1" },
    });
    // @ts-expect-error the typo is a compile error too
    topics.queueConsumer("orders", { groupId: "g", topik: "orders" }, () => {});
    lifecycle.length = 0;
    const error = await startError(() => romeways.start());
    expect(error.field).toBe("topik");
    expect(error.queueName).toBe("orders");
    expect(error.message).toContain('did you mean "topic"?');
    expect(lifecycle).toEqual([]);
  });

  test("a field no connector field is near is listed with the known ones", async () => {
    const romeways = app();
    const topics = romeways.connectorRegister({
      connector: TopicConnector,
      config: { connectorName: "t", brokers: "b:1" },
    });
    // @ts-expect-error unknown field
    topics.queueConsumer("orders", { groupId: "g", partitionKey: "x" }, () => {});
    const error = await startError(() => romeways.start());
    expect(error.field).toBe("partitionKey");
    expect(error.message).toContain("known: connectorName, frequency");
    expect(error.message).toContain("topic, groupId");
  });

  test("the connector's own check runs at start() before any connector is built", async () => {
    const romeways = app();
    const topics = romeways.connectorRegister({
      connector: TopicConnector,
      config: { connectorName: "t", brokers: "b:1" },
    });
    // @ts-expect-error groupId is required
    topics.queueConsumer("orders", {}, () => {});
    lifecycle.length = 0;
    const error = await startError(() => romeways.start());
    expect(error.field).toBe("groupId");
    expect(lifecycle).toEqual([]);
  });

  test("an unknown connector config field fails connectorRegister, with a suggestion", () => {
    const romeways = app();
    expect(() =>
      romeways.connectorRegister({
        connector: TopicConnector,
        // @ts-expect-error typo
        config: { connectorName: "t", brokers: "b:1", brokrs: "b:2" },
      }),
    ).toThrow(/field "config\.brokrs": unknown field; did you mean "brokers"\?/);
  });

  test("a connector that declares no fields: near-misses of core's fields fail, its own fields pass", async () => {
    for (const [typo, meant] of [
      ["maxChunksize", "maxChunkSize"],
      ["sequental", "sequential"],
      ["frequncy", "frequency"],
    ] as const) {
      const other = app();
      other.connectorRegister({
        connector: class extends MemoryQueueConnector {},
        config: { connectorName: "mem" },
      });
      // A variable, not a literal: what a config of an undeclared connector looks like at run time.
      const config: QueueConfig & Record<string, unknown> = {
        connectorName: "mem",
        [typo]: 1,
        ownField: "x",
        // Two edits from "concurrency": may be the connector's own, so not refused.
        concurrent: true,
      };
      other.queueConsumer("q", config, () => {});
      const error = await startError(() => other.start());
      expect(error.field).toBe(typo);
      expect(error.message).toContain(`did you mean "${meant}"?`);
    }
  });

  test("a handle implies its connectorName and refuses another one", () => {
    const romeways = app();
    const memory = romeways.connectorRegister({
      connector: "memory",
      config: { connectorName: "mem" },
    });
    expect(memory.connectorName).toBe("mem");
    const handler = memory.queueConsumer("q", { maxChunkSize: 2 }, () => {});
    expect(romeways.registrations.consumers[0]?.handler).toBe(handler);
    expect(romeways.registrations.consumers[0]?.config.connectorName).toBe("mem");
    expect(() =>
      // @ts-expect-error another connector's name
      memory.queueConsumer("q2", { connectorName: "other" }, () => {}),
    ).toThrow(/connectorName "other" is not this handle's connector/);
  });
});
