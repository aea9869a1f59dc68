// Kafka's RangeAssignor under its protocol name, "range": the default of a Java consumer.
import {
  type AssignmentAlgorithm,
  addPartition,
  byCodeUnits,
  emptyAssignment,
  sortedPartitions,
  subscribedTopics,
} from "./assignment.js";
import { kafkajsAssigner } from "./kafkajs-assigner.js";

/**
 * Per topic, the partitions in order are cut into consecutive ranges, one per member
 * subscribed to the topic in member-id order; the first `partitions % members` get one more.
 */
export const assignRange: AssignmentAlgorithm = (members, partitionsByTopic) => {
  const assignment = emptyAssignment(members);
  for (const topic of subscribedTopics(members, partitionsByTopic)) {
    const consumers = members
      .filter((member) => member.topics.includes(topic))
      .map((member) => member.memberId)
      .sort(byCodeUnits);
    const partitions = sortedPartitions(partitionsByTopic.get(topic) ?? []);
    const perMember = Math.floor(partitions.length / consumers.length);
    const withOneMore = partitions.length % consumers.length;
    consumers.forEach((memberId, index) => {
      const start = perMember * index + Math.min(index, withOneMore);
      const length = perMember + (index < withOneMore ? 1 : 0);
      for (const partition of partitions.slice(start, start + length)) {
        addPartition(assignment, memberId, topic, partition);
      }
    });
  }
  return assignment;
};

export const rangeAssigner = kafkajsAssigner("range", assignRange);
