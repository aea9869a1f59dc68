import type { RawMessage } from "@romeways/core";
import { describe, expect, test } from "vitest";
import { InFlight } from "../src/in-flight.js";

const messages = (count: number): RawMessage[] =>
  Array.from({ length: count }, (_, i) => ({ body: new Uint8Array([i % 256]) }));

describe("the in-flight record of the memory connector", () => {
  test("what was acknowledged in any order is never put back; the rest is, in the order taken", () => {
    const inFlight = new InFlight();
    const taken = messages(6);
    inFlight.add(taken);
    inFlight.ack([taken[3], taken[0], taken[4]] as RawMessage[]);
    expect(inFlight.drain()).toEqual([taken[1], taken[2], taken[5]]);
    expect(inFlight.drain()).toEqual([]);
  });

  test("acknowledging thousands of messages in reverse leaves nothing behind", () => {
    const inFlight = new InFlight();
    const taken = messages(5_000);
    inFlight.add(taken.slice(0, 2_500));
    inFlight.add(taken.slice(2_500));
    inFlight.ack([...taken].reverse());
    expect(inFlight.drain()).toEqual([]);
  });

  test("a stray or repeated acknowledgement changes nothing", () => {
    const inFlight = new InFlight();
    const [first, second] = messages(2) as [RawMessage, RawMessage];
    inFlight.add([first, second]);
    inFlight.ack([first, first, { body: null }]);
    expect(inFlight.drain()).toEqual([second]);
  });
});
