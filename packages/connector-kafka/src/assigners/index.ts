// The assignors a consumer can offer, by the protocol names Kafka clients agree on.
import type { PartitionAssigner } from "kafkajs";
import { cooperativeStickyAssigner } from "./cooperative-sticky.js";
import { rangeAssigner } from "./range.js";
import { legacyRoundRobinAssigner, roundRobinAssigner } from "./roundrobin.js";

const byName = {
  range: rangeAssigner,
  roundrobin: roundRobinAssigner,
  "cooperative-sticky": cooperativeStickyAssigner,
  RoundRobinAssigner: legacyRoundRobinAssigner,
} as const satisfies Record<string, PartitionAssigner>;

/** A partition assignor offered under its protocol name. */
export type PartitionAssignerName = keyof typeof byName;

export const partitionAssignerNames = Object.keys(byName) as PartitionAssignerName[];

/**
 * Offered in this order of preference. The broker picks a protocol every member offers, the
 * one most members prefer: with Java's defaults (range, cooperative-sticky) that is range;
 * with Java consumers set to cooperative-sticky alone, cooperative-sticky; with aiokafka's
 * (roundrobin only) roundrobin; with older romeways or plain kafkajs consumers
 * (RoundRobinAssigner only) RoundRobinAssigner, so a rolling upgrade still joins.
 */
export const defaultPartitionAssigners: readonly PartitionAssignerName[] = [
  "range",
  "roundrobin",
  "cooperative-sticky",
  "RoundRobinAssigner",
];

export const isPartitionAssignerName = (name: unknown): name is PartitionAssignerName =>
  typeof name === "string" && Object.hasOwn(byName, name);

export const partitionAssignerNamed = (name: PartitionAssignerName): PartitionAssigner =>
  byName[name];
