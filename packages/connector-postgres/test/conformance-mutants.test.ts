// The conformance suite run over the PostgreSQL connector broken on purpose, on the real server:
// the breakages every connector gets, and two of a leasing table queue's own. Only the promises
// meant to catch each mutant run (and those it evades): a mutant that ignores aborts makes the
// whole suite wait out every poll.
//
// On this connector the shared "abort leaves its blocking read on the broker" wrapper is the
// abandoned LISTEN wait: the aborted poll's inner wait stays subscribed, wakes on the next
// insert's notification, and takes that row under a lease it keeps renewing for a poll nobody
// awaits.
import type { PostgresRawMessage } from "@romeways/connector-postgres";
import type { Connector, ConnectorContext, RawMessage } from "@romeways/core";
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, test } from "vitest";
import {
  ConnectorWrapper,
  promiseNames,
  wrapperMutants,
} from "../../testing/test/mutants/broken-connectors.js";
import { expectKilled } from "../../testing/test/mutants/kill-mutant.js";
import { CrashablePostgresConnector } from "./crashable-connector.js";
import { databaseUrl, newQueueName, testPool } from "./postgres-test-kit.js";

const postgresConnector = (queueName: string, context?: ConnectorContext) =>
  new CrashablePostgresConnector(databaseUrl(), queueName, context);

const base: Omit<ConformanceRunOptions<Connector>, "connector"> = {
  name: "postgres mutant",
  durable: true,
  timeoutMs: Number(process.env.MUTANT_TIMEOUT_MS ?? 10_000),
  createQueue: () => newQueueName("mutant"),
  removeQueue: async (queueName) => {
    await testPool().query("DELETE FROM romeways_messages WHERE queue = $1", [queueName]);
  },
};

/** The newest row id of each queue when it was first started: its "group offset". */
const firstStartMarks = new Map<string, string>();

/**
 * Sees only rows inserted after its queue's first start, as a cursor created at the end of the
 * table would: older rows are skipped for good (acknowledged unseen), as a consumer group that
 * starts at "latest" skips what is already in the log.
 */
class StartsAtLatest extends ConnectorWrapper {
  constructor(
    inner: Connector,
    private readonly queueName: string,
  ) {
    super(inner);
  }

  override async start(): Promise<void> {
    if (!firstStartMarks.has(this.queueName)) {
      const { rows } = await testPool().query<{ mark: string }>(
        "SELECT coalesce(max(id), 0)::text AS mark FROM romeways_messages WHERE queue = $1",
        [this.queueName],
      );
      firstStartMarks.set(this.queueName, rows[0]?.mark ?? "0");
    }
    await super.start();
  }

  override async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
    const mark = BigInt(firstStartMarks.get(this.queueName) ?? "0");
    for (;;) {
      const chunk = await super.getMessages(maxChunkSize, signal);
      const skipped = chunk.filter((message) => BigInt((message as PostgresRawMessage).id) <= mark);
      if (skipped.length === 0) return chunk;
      await super.ack(skipped);
      const seen = chunk.filter((message) => !skipped.includes(message));
      if (seen.length > 0 || signal.aborted) return seen;
    }
  }
}

describe("the conformance suite fails the PostgreSQL connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled(
      "postgres",
      mutant,
      {
        ...base,
        connector: (queueName, context) => mutant.wrap(postgresConnector(queueName, context)),
      },
      "targeted",
    );
  });

  test("a queue that sees only rows inserted after its first start", async () => {
    await expectKilled(
      "postgres",
      {
        name: "queue starts at the latest row",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /did not reach its first consumer/,
        evades: [promiseNames.neverStartedSends],
      },
      {
        ...base,
        connector: (queueName, context) =>
          new StartsAtLatest(postgresConnector(queueName, context), queueName),
      },
      "targeted",
    );
  });

  test("a crash that only abandons the instance, which keeps renewing its lease", async () => {
    await expectKilled(
      "postgres",
      {
        name: "abandoned, not crashed (the lease is renewed)",
        killedBy: promiseNames.crash,
        because: /no `crash` option was given/,
      },
      { ...base, connector: postgresConnector },
      "targeted",
    );
  });
});
