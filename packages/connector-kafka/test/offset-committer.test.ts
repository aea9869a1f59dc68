import { afterEach, describe, expect, test, vi } from "vitest";
import type { KafkaRawMessage } from "../src/kafka-message.js";
import type { FetchedBatch, PartitionOffset } from "../src/kafkajs-client.js";
import { type CommitSource, OffsetCommitter } from "../src/offset-committer.js";

/** Commits the broker has been asked for; each waits until the test settles it. */
class FakeBroker {
  readonly commits: { offsets: PartitionOffset[]; settle(error?: Error): void }[] = [];
  private arrived: (() => void) | undefined;

  commit = (offsets: readonly PartitionOffset[]): Promise<void> =>
    new Promise((resolve, reject) => {
      this.commits.push({
        offsets: [...offsets],
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.arrived?.();
    });

  /** Resolves once `count` commits have been asked for. */
  async commitsAsked(count: number): Promise<void> {
    while (this.commits.length < count) {
      await new Promise<void>((resolve) => {
        this.arrived = resolve;
      });
    }
  }
}

interface Source extends CommitSource {
  current: boolean;
  resolved: string[];
}

function source(broker: FakeBroker, partition: number, offsets: string[]): Source {
  const resolved: string[] = [];
  const batch: FetchedBatch = {
    partition,
    messages: offsets.map((offset) => ({ offset }) as KafkaRawMessage),
    highWatermark: "0",
    heartbeat: async () => true,
    isActive: () => true,
    resolveOffset: (offset) => resolved.push(offset),
    commit: broker.commit,
  };
  return { batch, released: false, current: true, resolved };
}

function setUp(intervalMs = 0) {
  const broker = new FakeBroker();
  const committer = new OffsetCommitter<Source>((s) => s.current, intervalMs);
  const fetched = (partition: number, offsets: string[]) => {
    const batch = source(broker, partition, offsets);
    committer.track(partition, batch.batch.messages);
    return batch;
  };
  const ack = (partition: number, ...offsets: string[]) => {
    for (const offset of offsets) committer.ack(partition, offset);
  };
  return { broker, committer, fetched, ack };
}

describe("the offset committer", () => {
  test("one commit at a time; acks made meanwhile go into one next commit of every partition", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["0", "1", "2", "3", "4", "5"]);
    const p1 = fetched(1, ["0", "1", "2"]);
    ack(0, "0", "1");
    committer.request(p0);
    await broker.commitsAsked(1);
    ack(0, "2", "3");
    committer.request(p0);
    ack(1, "0");
    committer.request(p1);
    expect(broker.commits).toHaveLength(1);
    broker.commits[0]?.settle();
    await broker.commitsAsked(2);
    broker.commits[1]?.settle();
    await committer.flush();
    expect(broker.commits.map((c) => c.offsets)).toEqual([
      [{ partition: 0, offset: "2" }],
      [
        { partition: 0, offset: "4" },
        { partition: 1, offset: "1" },
      ],
    ]);
  });

  test("a failed commit is owed: flush() commits it again", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["7", "8"]);
    ack(0, "7", "8");
    committer.request(p0);
    await broker.commitsAsked(1);
    broker.commits[0]?.settle(new Error("coordinator moved"));
    const flushed = committer.flush();
    await broker.commitsAsked(2);
    broker.commits[1]?.settle();
    await flushed;
    expect(broker.commits[1]?.offsets).toEqual([{ partition: 0, offset: "9" }]);
  });

  test("commitNow() rejects when the commit fails", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["0"]);
    ack(0, "0");
    const commit = committer.commitNow(p0);
    await broker.commitsAsked(1);
    broker.commits[0]?.settle(new Error("rebalance in progress"));
    await expect(commit).rejects.toThrow("rebalance in progress");
  });

  test("nothing of a revoked batch is committed, and forget() drops what was owed", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["0", "1"]);
    ack(0, "0");
    p0.current = false;
    committer.request(p0);
    await committer.flush();
    expect(broker.commits).toHaveLength(0);

    p0.current = true;
    committer.request(p0);
    await broker.commitsAsked(1);
    broker.commits[0]?.settle(new Error("gone"));
    committer.forget();
    await committer.flush();
    expect(broker.commits).toHaveLength(1);
  });

  test("a request right after a round that found nothing to commit is not dropped", () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["0"]);
    const p1 = fetched(1, ["0"]);
    committer.request(p0); // nothing acknowledged yet: that round ends at once
    ack(1, "0");
    committer.request(p1);
    expect(broker.commits.map((c) => c.offsets)).toEqual([[{ partition: 1, offset: "1" }]]);
  });

  test("the fetch position follows the commit inside a held batch, never past its start", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const older = fetched(0, ["0", "1"]);
    ack(0, "0", "1");
    older.released = true;
    const newer = fetched(0, ["2", "3"]);
    // The older batch's tail is committed on behalf of the newer one: "1" is before its start.
    committer.request(newer);
    await broker.commitsAsked(1);
    broker.commits[0]?.settle();
    ack(0, "2");
    committer.request(newer);
    await broker.commitsAsked(2);
    broker.commits[1]?.settle();
    await committer.flush();
    expect(broker.commits.map((c) => c.offsets[0]?.offset)).toEqual(["2", "3"]);
    expect(newer.resolved).toEqual(["2"]);
  });

  test("a released batch is not resolved again: kafkajs has moved past its end", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const released = fetched(0, ["0", "1"]);
    ack(0, "0", "1");
    released.released = true;
    committer.request(released);
    await broker.commitsAsked(1);
    broker.commits[0]?.settle();
    await committer.flush();
    expect(broker.commits[0]?.offsets).toEqual([{ partition: 0, offset: "2" }]);
    expect(released.resolved).toEqual([]);
  });

  test("a commit that returns after a revoke moves nothing", async () => {
    const { broker, committer, fetched, ack } = setUp();
    const p0 = fetched(0, ["0", "1"]);
    ack(0, "0");
    committer.request(p0);
    await broker.commitsAsked(1);
    p0.current = false;
    broker.commits[0]?.settle();
    await committer.flush();
    expect(p0.resolved).toEqual([]);
  });

  describe("with an interval between commits", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** Fake time, a committer with `intervalMs`, and its first commit (offset 0 of partition 0) done. */
    async function afterFirstCommit(intervalMs: number, offsets: string[]) {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const setup = setUp(intervalMs);
      const p0 = setup.fetched(0, offsets);
      setup.ack(0, "0");
      setup.committer.request(p0);
      await setup.broker.commitsAsked(1);
      setup.broker.commits[0]?.settle();
      return { ...setup, p0 };
    }

    test("the next commit starts an interval after the last one, with every ack made meanwhile", async () => {
      const { broker, committer, ack, p0 } = await afterFirstCommit(1_000, ["0", "1", "2"]);
      ack(0, "1");
      committer.request(p0);
      ack(0, "2");
      committer.request(p0);
      await vi.advanceTimersByTimeAsync(999);
      expect(broker.commits).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await broker.commitsAsked(2);
      expect(broker.commits[1]?.offsets).toEqual([{ partition: 0, offset: "3" }]);
    });

    test("after a flush() that found nothing to commit, commits wait for the interval again", async () => {
      const { broker, committer, ack, p0 } = await afterFirstCommit(1_000, ["0", "1"]);
      await committer.flush(); // ends the commit loop
      await committer.flush(); // no loop runs, nothing is wanted
      ack(0, "1");
      committer.request(p0);
      await vi.advanceTimersByTimeAsync(500);
      expect(broker.commits).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(500);
      await broker.commitsAsked(2);
    });

    test("commitOwed() commits at once what waits for the interval", async () => {
      const { broker, committer, ack, p0 } = await afterFirstCommit(60_000, ["0", "1"]);
      ack(0, "1");
      committer.request(p0);
      await vi.advanceTimersByTimeAsync(10);
      expect(broker.commits).toHaveLength(1);
      committer.commitOwed();
      await broker.commitsAsked(2);
      expect(broker.commits[1]?.offsets).toEqual([{ partition: 0, offset: "2" }]);
    });

    test("commitNow() and flush() do not wait for the interval", async () => {
      const { broker, committer, ack, p0 } = await afterFirstCommit(60_000, ["0", "1", "2"]);
      ack(0, "1");
      const now = committer.commitNow(p0);
      await broker.commitsAsked(2);
      broker.commits[1]?.settle();
      await now;
      ack(0, "2");
      committer.request(p0);
      const flushed = committer.flush();
      await broker.commitsAsked(3);
      broker.commits[2]?.settle();
      await flushed;
      expect(broker.commits.map((c) => c.offsets[0]?.offset)).toEqual(["1", "2", "3"]);
    });
  });
});
