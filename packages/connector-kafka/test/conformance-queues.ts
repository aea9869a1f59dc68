import { randomUUID } from "node:crypto";
import type { Admin } from "kafkajs";
import { kafkaAdmin } from "./kafka-test-kit.js";

/** A fresh one-partition topic per conformance queue, with room for the suite's 1 MiB body. */
export async function createConformanceTopic(): Promise<string> {
  const topic = `romeways-conformance-${randomUUID().slice(0, 8)}`;
  const admin = await kafkaAdmin();
  try {
    await createTopic(admin, topic);
  } catch (error) {
    // A loaded broker may answer the creation's leader check before the topic exists: the
    // topic is usually there a moment later. Ask again until its metadata comes.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = await admin.fetchTopicMetadata({ topics: [topic] }).then(
        (metadata) => metadata.topics[0]?.partitions.every((p) => p.leader >= 0) === true,
        () => false,
      );
      if (found) break;
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return topic;
}

function createTopic(admin: Admin, topic: string): Promise<boolean> {
  return admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [{ name: "max.message.bytes", value: "2097152" }],
      },
    ],
  });
}

/** Deletes a conformance queue's topic and its group. */
export async function removeConformanceTopic(topic: string): Promise<void> {
  const admin = await kafkaAdmin();
  await admin.deleteGroups([`${topic}-group`]).catch(() => {});
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
}
