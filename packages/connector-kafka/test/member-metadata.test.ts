// Member metadata as Java (v0-v3) and aiokafka (v0) write it, read by the leader's assignor.
import { AssignerProtocol } from "kafkajs";
import { describe, expect, test } from "vitest";
import { decodeMemberMetadata } from "../src/assigners/member-metadata.js";

/** Writes ConsumerProtocolSubscription in `version`, as Java's generated code does. */
function javaSubscription(version: number, topics: string[], owned: [string, number[]][] = []) {
  const parts: Buffer[] = [];
  const int16 = (n: number) => parts.push(Buffer.from([(n >> 8) & 0xff, n & 0xff]));
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const string = (s: string) => {
    int16(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  int16(version);
  int32(topics.length);
  for (const topic of topics) string(topic);
  int32(-1); // null user data, as Java's range and cooperative-sticky assignors send
  if (version >= 1) {
    int32(owned.length);
    for (const [topic, partitions] of owned) {
      string(topic);
      int32(partitions.length);
      for (const p of partitions) int32(p);
    }
  }
  if (version >= 2) int32(12); // generation
  if (version >= 3) int16(-1); // null rack id
  return Buffer.concat(parts);
}

describe("reading a member's subscription", () => {
  test.each([0, 1, 2, 3])("Java's version %i", (version) => {
    const decoded = decodeMemberMetadata(
      "java-1",
      javaSubscription(version, ["a", "b"], [["a", [0, 2]]]),
    );
    expect(decoded.topics).toEqual(["a", "b"]);
    expect(Object.fromEntries(decoded.ownedPartitions)).toEqual(version >= 1 ? { a: [0, 2] } : {});
    expect(decoded.generation).toBe(version >= 2 ? 12 : -1);
  });

  test("a newer version than 3 is read as far as known, as Java does", () => {
    const newer = Buffer.concat([javaSubscription(3, ["t"]), Buffer.from([1, 2, 3])]);
    newer.writeInt16BE(9, 0);
    expect(decodeMemberMetadata("m", newer).topics).toEqual(["t"]);
  });

  test("aiokafka's and kafkajs's version 0 with empty user data", () => {
    const kafkajs = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ["orders"],
      userData: Buffer.alloc(0),
    });
    expect(decodeMemberMetadata("py", kafkajs)).toEqual({
      memberId: "py",
      topics: ["orders"],
      ownedPartitions: new Map(),
      generation: -1,
    });
  });

  test("metadata cut short is an error, not a guess", () => {
    expect(() => decodeMemberMetadata("m", javaSubscription(2, ["t"]).subarray(0, 9))).toThrow(
      /ends at byte 9/,
    );
  });
});
