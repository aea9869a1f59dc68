// The model every assignment algorithm works on, free of kafkajs: members with what they
// subscribe to (and, for sticky assignment, what they say they own), the partitions of each
// topic, and the result, partitions per topic per member.

/** What one member of the group sent in its JoinGroup metadata for the chosen protocol. */
export interface MemberSubscription {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** Partitions the member says it still owns (Java's metadata v1+); empty for eager members. */
  readonly ownedPartitions: ReadonlyMap<string, readonly number[]>;
  /** The generation in which it owned them (Java's metadata v2+), -1 when not sent. */
  readonly generation: number;
}

/** Partition ids of each topic, as the cluster's metadata has them. */
export type PartitionsByTopic = ReadonlyMap<string, readonly number[]>;

/** memberId → topic → partition ids: every member has an entry, possibly empty. */
export type GroupAssignment = Map<string, Map<string, number[]>>;

/** An assignment algorithm: deterministic, so every leader computes the same split. */
export type AssignmentAlgorithm = (
  members: readonly MemberSubscription[],
  partitionsByTopic: PartitionsByTopic,
) => GroupAssignment;

/** Kafka sorts member ids and topics as Java strings (UTF-16 code units), as `sort()` does. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function emptyAssignment(members: readonly MemberSubscription[]): GroupAssignment {
  return new Map(members.map((member) => [member.memberId, new Map<string, number[]>()]));
}

export function addPartition(
  assignment: GroupAssignment,
  memberId: string,
  topic: string,
  partition: number,
): void {
  const topics = assignment.get(memberId);
  if (topics === undefined) throw new Error(`${memberId} is not a member of the group`);
  const partitions = topics.get(topic);
  if (partitions === undefined) topics.set(topic, [partition]);
  else partitions.push(partition);
}

/** Topics any member subscribes to that the cluster knows, sorted. */
export function subscribedTopics(
  members: readonly MemberSubscription[],
  partitionsByTopic: PartitionsByTopic,
): string[] {
  const topics = new Set(members.flatMap((member) => member.topics));
  return [...topics].filter((topic) => partitionsByTopic.has(topic)).sort(byCodeUnits);
}

export const sortedPartitions = (partitions: readonly number[]): number[] =>
  [...partitions].sort((a, b) => a - b);
