// Turns an assignment algorithm into a kafkajs PartitionAssigner: decodes what every member
// sent (Java's metadata v0-v3, aiokafka's v0), looks up the partitions of every topic any
// member subscribes to (not only the leader's), and encodes one assignment per member.
import { AssignerProtocol, type Cluster, type Logger, type PartitionAssigner } from "kafkajs";
import type { AssignmentAlgorithm, MemberSubscription, PartitionsByTopic } from "./assignment.js";
import { decodeMemberMetadata } from "./member-metadata.js";

// Version 0 everywhere: what aiokafka and every Java consumer reads. Version 1 would report the
// partitions this member owns, which an eager member (kafkajs is one) never keeps across a join.
const protocolVersion = 0;

export function kafkajsAssigner(name: string, algorithm: AssignmentAlgorithm): PartitionAssigner {
  return ({ cluster, logger }) => ({
    name,
    version: protocolVersion,
    async assign({ members }) {
      const subscriptions = members.map(({ memberId, memberMetadata }) =>
        decodeOrSubscribeNothing(memberId, memberMetadata, logger),
      );
      const topics = [...new Set(subscriptions.flatMap((member) => member.topics))];
      const partitionsByTopic = await partitionsOf(cluster, topics, logger);
      // Every member gets an assignment, an empty one too: Java reads no bytes as an error.
      return [...algorithm(subscriptions, partitionsByTopic)].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: protocolVersion,
          assignment: Object.fromEntries(byTopic),
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol: ({ topics }) => ({
      name,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: protocolVersion,
        topics,
        userData: Buffer.alloc(0),
      }),
    }),
  });
}

function decodeOrSubscribeNothing(
  memberId: string,
  metadata: Buffer,
  logger: Logger,
): MemberSubscription {
  try {
    return decodeMemberMetadata(memberId, metadata);
  } catch (error) {
    logger.error("Cannot read a member's subscription; it gets no partitions", {
      memberId,
      error: error instanceof Error ? error.message : String(error),
    });
    return { memberId, topics: [], ownedPartitions: new Map(), generation: -1 };
  }
}

/** Partitions of each topic; a topic only another member subscribes to is looked up first. */
async function partitionsOf(
  cluster: Cluster,
  topics: readonly string[],
  logger: Logger,
): Promise<PartitionsByTopic> {
  const known = (topic: string) =>
    cluster.findTopicPartitionMetadata(topic).map((partition) => partition.partitionId);
  const unknown = topics.filter((topic) => known(topic).length === 0);
  if (unknown.length > 0) {
    try {
      await cluster.addMultipleTargetTopics(unknown);
    } catch (error) {
      logger.warn("Topics other members subscribe to have no metadata; they are not assigned", {
        topics: unknown,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const partitionsByTopic = new Map<string, number[]>();
  for (const topic of topics) {
    const partitions = known(topic);
    if (partitions.length > 0) partitionsByTopic.set(topic, partitions);
  }
  return partitionsByTopic;
}
