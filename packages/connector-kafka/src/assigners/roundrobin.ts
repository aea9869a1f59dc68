// Kafka's RoundRobinAssignor under its protocol name, "roundrobin": what aiokafka (and so
// Python romeways) offers by default, and nothing else.
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
 * Every subscribed topic-partition, by topic then partition, is dealt to the members in
 * member-id order, going round; a member not subscribed to the partition's topic is skipped.
 */
export const assignRoundRobin: AssignmentAlgorithm = (members, partitionsByTopic) => {
  const assignment = emptyAssignment(members);
  const ring = [...members].sort((a, b) => byCodeUnits(a.memberId, b.memberId));
  let next = 0;
  for (const topic of subscribedTopics(members, partitionsByTopic)) {
    for (const partition of sortedPartitions(partitionsByTopic.get(topic) ?? [])) {
      // A subscribed member exists: subscribedTopics() only lists topics someone subscribes to.
      while (!(ring[next % ring.length] as (typeof ring)[number]).topics.includes(topic)) next++;
      const member = ring[next % ring.length] as (typeof ring)[number];
      addPartition(assignment, member.memberId, topic, partition);
      next++;
    }
  }
  return assignment;
};

export const roundRobinAssigner = kafkajsAssigner("roundrobin", assignRoundRobin);

/**
 * kafkajs's own protocol name, so that a rolling upgrade of a group of older romeways (or
 * plain kafkajs) consumers, which offer only this name, still finds a protocol in common.
 * kafkajs's built-in deals the leader's topics, in the order the broker lists their partitions,
 * over every member, subscribed or not; this one honours each member's subscription. Both
 * split a topic evenly, so members led by either get a valid assignment.
 */
export const legacyRoundRobinAssigner = kafkajsAssigner("RoundRobinAssigner", assignRoundRobin);
