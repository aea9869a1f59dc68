import { VirtualClock } from "@romeways/testing";
import { describe, expect, test } from "vitest";

const never = new AbortController().signal;

describe("VirtualClock", () => {
  test("advance() ends the sleeps that are due, in time order, and leaves later ones", async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    void clock.sleep(300, never).then(() => woke.push(`300 at ${clock.now()}`));
    void clock.sleep(100, never).then(() => woke.push(`100 at ${clock.now()}`));
    void clock.sleep(1_000, never).then(() => woke.push("1000"));
    await clock.advance(500);
    expect(woke).toEqual(["100 at 100", "300 at 300"]);
    expect(clock.now()).toBe(500);
    expect(clock.pendingSleeps).toBe(1);
    expect(clock.nextWakeAt).toBe(1_000);
  });

  test("a sleep started by a woken sleep also ends within the same advance()", async () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    const tick = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(60_000, never);
        ticks.push(clock.now());
      }
    };
    void tick();
    await clock.advance(180_000);
    expect(ticks).toEqual([60_000, 120_000, 180_000]);
  });

  test("an aborted sleep ends at once and is no longer pending", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(clock.pendingSleeps).toBe(0);
    expect(clock.now()).toBe(0);
  });

  test("runAll() ends every sleep, including those started on the way", async () => {
    const clock = new VirtualClock();
    let woken = 0;
    void clock.sleep(10, never).then(async () => {
      woken++;
      await clock.sleep(10, never);
      woken++;
    });
    await clock.runAll();
    expect(woken).toBe(2);
    expect(clock.now()).toBe(20);
  });

  test("runAll() gives up on code that sleeps in an endless loop", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    void (async () => {
      while (!controller.signal.aborted) await clock.sleep(1, controller.signal);
    })();
    await expect(clock.runAll(50)).rejects.toThrow(/still sleeping after 50 sleeps/);
    controller.abort();
  });

  test("advance() refuses to go back in time", async () => {
    await expect(new VirtualClock().advance(-1)).rejects.toThrow(RangeError);
  });
});
