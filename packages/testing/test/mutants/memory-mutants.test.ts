// The conformance suite run over the memory connector broken on purpose: each mutant must fail.
import { MemoryQueue, MemoryQueueConnector } from "@romeways/connector-memory";
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import { promiseNames, wrapperMutants } from "./broken-connectors.js";
import { expectKilled } from "./kill-mutant.js";

const memory = (queueName: string) =>
  new MemoryQueueConnector({ connectorName: "memory" }, { connectorName: "memory" }, queueName);

const started = new Set<string>();

/** A group created at the end of the queue on its first consumer's start (Kafka's "latest"). */
class StartsAtTheEnd extends MemoryQueueConnector {
  constructor(private readonly queueName: string) {
    super({ connectorName: "memory" }, { connectorName: "memory" }, queueName);
  }
  override async start(): Promise<void> {
    if (!started.has(this.queueName)) {
      started.add(this.queueName);
      const queue = MemoryQueue.named(this.queueName);
      await queue.take(queue.size, AbortSignal.abort());
    }
    await super.start();
  }
}

// Short takes: a mutant's failing promise gives up after 2.4 s instead of 8.
const base: Omit<ConformanceRunOptions, "connector"> = {
  name: "memory mutant",
  timeoutMs: 3_000,
  manyMessages: 200,
};

describe("the conformance suite fails the memory connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled("memory", mutant, {
      ...base,
      connector: (queueName) => mutant.wrap(memory(queueName)),
    });
  });

  test("a group that starts at the end of the queue", async () => {
    await expectKilled(
      "memory",
      {
        name: "group starts at the end of the queue",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /did not reach its first consumer/,
        evades: [promiseNames.neverStartedSends],
      },
      { ...base, connector: (queueName) => new StartsAtTheEnd(queueName) },
    );
  });

  test("a claim the live instance never lets go of, without a crash option, fails with the hint to pass one", async () => {
    // The memory connector keeps a taken message until stop(): an abandoned instance is a
    // lease renewed forever. Claiming durability without `crash` must fail, and say why.
    const results = await expectKilled(
      "memory",
      {
        name: "lease held by a live instance, no crash",
        killedBy: promiseNames.crash,
        because: /pass `crash` to testConnector/,
      },
      { ...base, durable: true, connector: memory, only: (name) => name === promiseNames.crash },
      "targeted",
    );
    expect(results[0]?.error?.message).toMatch(/pass `crash` to testConnector/);
  });
});
