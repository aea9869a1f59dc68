// Kafka's CooperativeStickyAssignor protocol, "cooperative-sticky", for the leader's side.
// Java members of a cooperative group keep consuming what they own during a rebalance and
// report it in their metadata; so a partition one member owns is never given to another in
// the same round: it is left out, its owner revokes it and rejoins, and the next round assigns
// it. kafkajs members are eager (they drop everything on each join) and report owning nothing,
// which a Java leader reads correctly; they never owe the follow-up rejoin a revocation needs.
import {
  type AssignmentAlgorithm,
  addPartition,
  byCodeUnits,
  emptyAssignment,
  type MemberSubscription,
  sortedPartitions,
  subscribedTopics,
} from "./assignment.js";
import { kafkajsAssigner } from "./kafkajs-assigner.js";

interface Slot {
  readonly topic: string;
  readonly partition: number;
  /** The one member whose claim counts, if any. */
  readonly owner: string | undefined;
  /** Several members claim it in the same generation: each may still consume it. */
  readonly contested: boolean;
  target: string | undefined;
}

/**
 * Balanced and sticky: owners keep what they own, free partitions go to the least loaded
 * subscribed member, then partitions move from the most to the least loaded member until no
 * move narrows a gap of two or more; a partition whose owner changes is withheld this round.
 */
export const assignCooperativeSticky: AssignmentAlgorithm = (members, partitionsByTopic) => {
  const ordered = [...members].sort((a, b) => byCodeUnits(a.memberId, b.memberId));
  const slots = slotsOf(ordered, partitionsByTopic);
  const load = new Map(ordered.map((member) => [member.memberId, 0]));
  const consumersOf = new Map(
    subscribedTopics(ordered, partitionsByTopic).map((topic) => [
      topic,
      ordered.filter((member) => member.topics.includes(topic)).map((member) => member.memberId),
    ]),
  );
  const leastLoaded = (topic: string): string | undefined => {
    let best: string | undefined;
    for (const memberId of consumersOf.get(topic) ?? []) {
      if (best === undefined || (load.get(memberId) ?? 0) < (load.get(best) ?? 0)) best = memberId;
    }
    return best;
  };
  const give = (slot: Slot, memberId: string | undefined) => {
    if (slot.target !== undefined) load.set(slot.target, (load.get(slot.target) ?? 0) - 1);
    slot.target = memberId;
    if (memberId !== undefined) load.set(memberId, (load.get(memberId) ?? 0) + 1);
  };

  for (const slot of slots) if (slot.owner !== undefined) give(slot, slot.owner);
  for (const slot of slots) {
    if (slot.owner === undefined && !slot.contested) give(slot, leastLoaded(slot.topic));
  }
  // Each move takes a partition from a member to one with at least two fewer: the sum of
  // squared loads falls every time, so this ends.
  for (let moved = true; moved; ) {
    moved = false;
    const heaviestFirst = [...ordered].sort(
      (a, b) => (load.get(b.memberId) ?? 0) - (load.get(a.memberId) ?? 0),
    );
    for (const { memberId } of heaviestFirst) {
      const from = load.get(memberId) ?? 0;
      const movable = slots.findLast((slot) => {
        if (slot.target !== memberId) return false;
        const to = leastLoaded(slot.topic);
        return to !== undefined && (load.get(to) ?? 0) <= from - 2;
      });
      if (movable !== undefined) {
        give(movable, leastLoaded(movable.topic));
        moved = true;
        break;
      }
    }
  }

  const assignment = emptyAssignment(ordered);
  for (const slot of slots) {
    const keepsOrIsFree = slot.owner === undefined || slot.owner === slot.target;
    if (slot.target !== undefined && keepsOrIsFree) {
      addPartition(assignment, slot.target, slot.topic, slot.partition);
    }
  }
  return assignment;
};

/** Every partition of a subscribed topic with the claim that counts: the highest generation's. */
function slotsOf(
  members: readonly MemberSubscription[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Slot[] {
  const slots: Slot[] = [];
  for (const topic of subscribedTopics(members, partitionsByTopic)) {
    for (const partition of sortedPartitions(partitionsByTopic.get(topic) ?? [])) {
      // A claim on a topic the member no longer subscribes to does not count, as in Java.
      const claims = members.filter(
        (member) =>
          member.topics.includes(topic) &&
          (member.ownedPartitions.get(topic) ?? []).includes(partition),
      );
      const newest = Math.max(...claims.map((member) => member.generation));
      const current = claims.filter((member) => member.generation === newest);
      slots.push({
        topic,
        partition,
        owner: current.length === 1 ? current[0]?.memberId : undefined,
        contested: current.length > 1,
        target: undefined,
      });
    }
  }
  return slots;
}

export const cooperativeStickyAssigner = kafkajsAssigner(
  "cooperative-sticky",
  assignCooperativeSticky,
);
