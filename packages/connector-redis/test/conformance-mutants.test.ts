// The conformance suite run over the Redis connector broken on purpose, on the real server:
// the breakages every connector gets, and two of Redis's own. Only the promises meant to catch
// each mutant run (and those it evades): a mutant that ignores aborts makes the whole suite
// wait out every poll.
import type { Connector, RawMessage } from "@romeways/core";
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, test } from "vitest";
import { promiseNames, wrapperMutants } from "../../testing/test/mutants/broken-connectors.js";
import { expectKilled } from "../../testing/test/mutants/kill-mutant.js";
import { CrashableRedisConnector } from "./crashable-connector.js";
import { redis, redisUrl } from "./redis-test-kit.js";

const redisConnector = (queueName: string) => new CrashableRedisConnector(redisUrl(), queueName);

const base: Omit<ConformanceRunOptions<Connector>, "connector"> = {
  name: "redis mutant",
  durable: true,
  timeoutMs: Number(process.env.MUTANT_TIMEOUT_MS ?? 10_000),
  removeQueue: async (queueName) => {
    await redis().del(queueName);
  },
  crash: (connector) => (connector as CrashableRedisConnector).crash(),
};

/** Creates its group at `$` (new entries only) before the connector would create it at `0`. */
class GroupAtLatest implements Connector {
  constructor(
    private readonly inner: Connector,
    private readonly queueName: string,
  ) {}
  async start(): Promise<void> {
    await redis()
      .xgroup("CREATE", this.queueName, `${this.queueName}-group`, "$", "MKSTREAM")
      .catch(() => {});
    await this.inner.start();
  }
  getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    return this.inner.getMessages(maxChunkSize, signal);
  }
  sendMessage(message: RawMessage): Promise<void> {
    return this.inner.sendMessage(message);
  }
  ack(messages: RawMessage[]): Promise<void> {
    return this.inner.ack(messages);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
}

describe("the conformance suite fails the Redis connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled(
      "redis",
      mutant,
      {
        ...base,
        connector: (queueName) => mutant.wrap(redisConnector(queueName)),
        // The wrapper hides the crash switch; no targeted promise needs it.
        crash: undefined,
      },
      "targeted",
    );
  });

  test("a group created at $ (new entries only)", async () => {
    await expectKilled(
      "redis",
      {
        name: "group created at $",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /did not reach its first consumer/,
        evades: [promiseNames.neverStartedSends],
      },
      {
        ...base,
        connector: (queueName) => new GroupAtLatest(redisConnector(queueName), queueName),
        crash: undefined,
      },
      "targeted",
    );
  });

  test("a crash that only abandons the instance, which keeps renewing what it holds", async () => {
    await expectKilled(
      "redis",
      {
        name: "abandoned, not crashed (renewals go on)",
        killedBy: promiseNames.crash,
        because: /no `crash` option was given/,
      },
      { ...base, connector: redisConnector, crash: undefined },
      "targeted",
    );
  });
});
