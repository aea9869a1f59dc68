import { describe, expect, test } from "vitest";
import { OffsetTracker } from "../src/offset-tracker.js";

const fetched = (...offsets: string[]) => offsets.map((offset) => ({ offset }));

describe("the offset tracker", () => {
  test("commits the next offset after a run of acknowledged messages", () => {
    const tracker = new OffsetTracker();
    tracker.track(0, fetched("5", "6", "7"));
    tracker.ack(0, "5");
    tracker.ack(0, "6");
    expect(tracker.committable(0)).toBe("7");
  });

  test("a slow message holds back the commit of later ones in its partition", () => {
    const tracker = new OffsetTracker();
    tracker.track(0, fetched("0", "1", "2"));
    tracker.ack(0, "1");
    tracker.ack(0, "2");
    expect(tracker.committable(0)).toBeUndefined();
    tracker.ack(0, "0");
    expect(tracker.committable(0)).toBe("3");
  });

  test("partitions are independent", () => {
    const tracker = new OffsetTracker();
    tracker.track(0, fetched("0"));
    tracker.track(1, fetched("0"));
    tracker.ack(1, "0");
    expect(tracker.committable(0)).toBeUndefined();
    expect(tracker.committable(1)).toBe("1");
  });

  test("gaps in offsets (compaction, transaction markers) do not block the commit", () => {
    const tracker = new OffsetTracker();
    tracker.track(2, fetched("10", "14", "20"));
    tracker.ack(2, "14");
    tracker.ack(2, "10");
    expect(tracker.committable(2)).toBe("15");
    tracker.ack(2, "20");
    expect(tracker.committable(2)).toBe("21");
  });

  test("offsets beyond 2^53 keep their exact value", () => {
    const tracker = new OffsetTracker();
    tracker.track(0, fetched("9007199254740993"));
    tracker.ack(0, "9007199254740993");
    expect(tracker.committable(0)).toBe("9007199254740994");
  });

  test("nothing is committable twice, and a cleared tracker commits nothing", () => {
    const tracker = new OffsetTracker();
    tracker.track(0, fetched("0", "1"));
    tracker.ack(0, "0");
    tracker.committed(0, "1");
    expect(tracker.committable(0)).toBeUndefined();
    tracker.clear();
    tracker.ack(0, "1");
    expect(tracker.committable(0)).toBeUndefined();
    expect(tracker.pendingCount(0)).toBe(0);
  });
});
