// The conformance suite run over the NATS connector broken on purpose, on the real server: the
// breakages every connector gets, and two of JetStream's own. Only the promises meant to catch
// each mutant run (and those it evades).
import { DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { Connector } from "@romeways/core";
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, test } from "vitest";
import {
  ConnectorWrapper,
  promiseNames,
  wrapperMutants,
} from "../../testing/test/mutants/broken-connectors.js";
import { expectKilled } from "../../testing/test/mutants/kill-mutant.js";
import { CrashableNatsConnector, connectorConfig, natsUrl, queueConfig } from "./nats-test-kit.js";

const natsConnector = (queueName: string) =>
  new CrashableNatsConnector(
    connectorConfig(),
    queueConfig(queueName, { ackWaitMs: 1_000 }),
    queueName,
  );

async function withManager<T>(
  run: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
) {
  const nc = await connect({ servers: natsUrl() });
  try {
    return await run(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

const base: Omit<ConformanceRunOptions<Connector>, "connector"> = {
  name: "nats mutant",
  durable: true,
  timeoutMs: Number(process.env.MUTANT_TIMEOUT_MS ?? 10_000),
  removeQueue: async (queueName) => {
    await withManager((jsm) => jsm.streams.delete(queueName).catch(() => false));
  },
};

/** Makes the durable consumer at `deliver_policy: new` before the connector would make it at `all`. */
class ConsumerAtNew extends ConnectorWrapper {
  constructor(
    inner: Connector,
    private readonly queueName: string,
  ) {
    super(inner);
  }
  override async start(): Promise<void> {
    await withManager(async (jsm) => {
      await jsm.streams.add({ name: this.queueName, subjects: [this.queueName] }).catch(() => {});
      await jsm.consumers
        .add(this.queueName, {
          durable_name: `${this.queueName}-group`,
          ack_policy: "explicit",
          deliver_policy: DeliverPolicy.New,
          filter_subject: this.queueName,
          ack_wait: 1_000_000_000,
        })
        .catch(() => {});
    });
    await this.inner.start();
  }
}

describe("the conformance suite fails the NATS connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled(
      "nats",
      mutant,
      { ...base, connector: (queueName) => mutant.wrap(natsConnector(queueName)) },
      "targeted",
    );
  });

  // The connector does not take over a consumer that skips the stream's start: start() fails.
  test("a durable consumer made at deliver_policy new", async () => {
    await expectKilled(
      "nats",
      {
        name: "consumer at deliver_policy new",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /could not start: deliver policy can not be updated/,
      },
      {
        ...base,
        connector: (queueName) => new ConsumerAtNew(natsConnector(queueName), queueName),
      },
      "targeted",
    );
  });

  test("a crash that only abandons the instance, which keeps sending working()", async () => {
    await expectKilled(
      "nats",
      {
        name: "abandoned, not crashed (working() goes on)",
        killedBy: promiseNames.crash,
        because: /no `crash` option was given/,
      },
      { ...base, connector: natsConnector },
      "targeted",
    );
  });
});
