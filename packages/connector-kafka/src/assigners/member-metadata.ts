// The consumer protocol's member metadata ("subscription"), as Java writes it in versions 0 to 3
// and aiokafka in version 0. kafkajs's own decoder stops after the user data, where version 1
// adds the partitions a cooperative member still owns.
import type { MemberSubscription } from "./assignment.js";

/**
 * Reads one member's metadata. Fields of versions above 3 come after the ones read here and
 * are ignored, as Java does. Throws on metadata that is cut short.
 */
export function decodeMemberMetadata(memberId: string, metadata: Uint8Array): MemberSubscription {
  const reader = new ProtocolReader(metadata);
  const version = reader.int16();
  const topics = reader.array(() => reader.string());
  reader.skipBytes(); // user data: the built-in assignors write none (sticky's pre-v1 data aside)
  const ownedPartitions = new Map<string, number[]>();
  let generation = -1;
  if (version >= 1) {
    for (const { topic, partitions } of reader.array(() => ({
      topic: reader.string(),
      partitions: reader.array(() => reader.int32()),
    }))) {
      ownedPartitions.set(topic, [...(ownedPartitions.get(topic) ?? []), ...partitions]);
    }
  }
  if (version >= 2) generation = reader.int32();
  return { memberId, topics, ownedPartitions, generation };
}

class ProtocolReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int16(): number {
    this.need(2);
    const value = this.view.getInt16(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new Error("a topic name is null");
    this.need(length);
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  /** Nullable bytes: a length of -1 is null. */
  skipBytes(): void {
    const length = this.int32();
    if (length < 0) return;
    this.need(length);
    this.offset += length;
  }

  /** A null array (-1) reads as empty. */
  array<T>(readItem: () => T): T[] {
    const count = this.int32();
    const items: T[] = [];
    for (let index = 0; index < count; index++) items.push(readItem());
    return items;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.byteLength) {
      throw new Error(
        `member metadata ends at byte ${this.bytes.byteLength}, ${count} more needed`,
      );
    }
  }
}
