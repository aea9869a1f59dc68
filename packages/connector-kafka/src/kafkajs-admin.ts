// The admin side of kafkajs: the topics a queue needs, checked (and created if asked) at start().
import { RomewaysError } from "@romeways/core";
import type { Admin } from "kafkajs";
import { type ClientSettings, createKafka } from "./kafkajs-client.js";

/** How the connector creates a missing topic: `true` takes the broker's defaults. */
export type TopicCreation =
  | boolean
  | {
      /** Partitions of a created topic. Default: the broker's `num.partitions`. */
      partitions?: number;
      /** Replicas of each partition. Default: the broker's `default.replication.factor`. */
      replicationFactor?: number;
      /** Topic configs, e.g. `{ "retention.ms": "604800000" }`. */
      config?: Record<string, string>;
    };

export interface NeededTopic {
  topic: string;
  /** What the topic is to the queue, for the error: e.g. `the dead-letter topic of queue "q"`. */
  role: string;
}

// Created topics get their partition leaders within a second or two; a loaded broker is slower.
const leaderWaitMs = 30_000;

/** Throws a RomewaysError naming each missing topic and what to do, unless `create` creates them. */
export async function ensureTopics(
  client: ClientSettings,
  topics: readonly NeededTopic[],
  create: TopicCreation,
): Promise<void> {
  const admin = createKafka({ ...client, kafkaLogLevel: "silent" }).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length === 0) return;
    if (create === false) throw missingTopics(client, missing);
    const { partitions, replicationFactor, config } = create === true ? {} : create;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map(({ topic }) => ({
          topic,
          ...(partitions === undefined ? {} : { numPartitions: partitions }),
          ...(replicationFactor === undefined ? {} : { replicationFactor }),
          configEntries: Object.entries(config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      })
      .catch((error: unknown) => {
        if (isBenign(error)) return;
        throw new RomewaysError(
          "ROMEWAYS_KAFKA_TOPIC",
          `could not create ${missing.map(({ topic, role }) => `topic "${topic}" (${role})`).join(", ")}: ${describe(error)}`,
          { cause: error },
        );
      });
    await waitForLeaders(admin, missing);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function waitForLeaders(admin: Admin, topics: readonly NeededTopic[]): Promise<void> {
  const names = topics.map(({ topic }) => topic);
  const deadline = Date.now() + leaderWaitMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    const metadata = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
    const ready =
      metadata !== undefined &&
      metadata.topics.length === names.length &&
      metadata.topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
    if (ready) return;
    if (Date.now() > deadline) {
      throw new RomewaysError(
        "ROMEWAYS_KAFKA_TOPIC",
        `created topic ${names.map((n) => `"${n}"`).join(", ")} but its partitions had no leader within ${leaderWaitMs / 1000} s; check the broker`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

// Another member created it first, or the leader wait asked before the metadata knew it.
const benign = new Set(["TOPIC_ALREADY_EXISTS", "UNKNOWN_TOPIC_OR_PARTITION"]);

function isBenign(error: unknown): boolean {
  const { type, errors } = error as { type?: string; errors?: unknown[] };
  if (Array.isArray(errors) && errors.length > 0) return errors.every(isBenign);
  return type !== undefined && benign.has(type);
}

function describe(error: unknown): string {
  const { errors } = error as { errors?: unknown[] };
  const all = Array.isArray(errors) && errors.length > 0 ? errors : [error];
  return all.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
}

function missingTopics(client: ClientSettings, missing: readonly NeededTopic[]): RomewaysError {
  const servers = client.brokers.join(",");
  const what = missing
    .map(({ topic, role }) => `topic "${topic}" (${role}) does not exist`)
    .join("; ");
  const create = missing
    .map(({ topic }) => `kafka-topics.sh --bootstrap-server ${servers} --create --topic ${topic}`)
    .join(" and ");
  return new RomewaysError(
    "ROMEWAYS_KAFKA_TOPIC",
    `${what} on the brokers ${servers}. Create it (${create}), or let the connector create ` +
      "missing topics: createTopics: { partitions, replicationFactor } on the connector config " +
      "(allowAutoTopicCreation: true creates them with the broker's defaults)",
  );
}

/** The topic's `max.message.bytes`; undefined when the broker cannot tell. */
export async function maxMessageBytesOf(
  client: ClientSettings,
  topic: string,
): Promise<number | undefined> {
  const admin = createKafka({ ...client, kafkaLogLevel: "silent" }).admin();
  try {
    await admin.connect();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      // 2: a topic, in Kafka's ConfigResource types.
      resources: [{ type: 2, name: topic, configNames: ["max.message.bytes"] }],
    });
    const value = resources[0]?.configEntries[0]?.configValue;
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
