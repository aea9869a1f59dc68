// The conformance suite run over the Kafka connector broken on purpose, on the real broker.
// Only the promises meant to catch each mutant run: the whole suite takes minutes on Kafka.
// No "lease without crash" mutant here: an abandoned Kafka member that keeps heartbeating
// sometimes keeps its partition when the next member joins and sometimes hands it over (seen
// with range and with cooperative-sticky), so it makes no reliable mutant. That is also why
// the Kafka suite passes `crash`: only cut connections make the handover certain.
import type { ConformanceRunOptions } from "@romeways/testing";
import { describe, test } from "vitest";
import { promiseNames, wrapperMutants } from "../../testing/test/mutants/broken-connectors.js";
import { expectKilled } from "../../testing/test/mutants/kill-mutant.js";
import { createConformanceTopic, removeConformanceTopic } from "./conformance-queues.js";
import { CrashableKafkaConnector } from "./crashable-connector.js";
import { kafkaBrokers } from "./kafka-test-kit.js";

const kafka = (queueName: string) => new CrashableKafkaConnector(kafkaBrokers(), queueName);

const base: Omit<ConformanceRunOptions, "connector"> = {
  name: "kafka mutant",
  timeoutMs: Number(process.env.MUTANT_TIMEOUT_MS ?? 15_000),
  createQueue: createConformanceTopic,
  removeQueue: removeConformanceTopic,
};

describe("the conformance suite fails the Kafka connector broken on purpose", () => {
  test.each(wrapperMutants)("$name", async (mutant) => {
    await expectKilled(
      "kafka",
      mutant,
      { ...base, connector: (queueName) => mutant.wrap(kafka(queueName)) },
      "targeted",
    );
  });

  test("a group that starts at the latest offset (fromBeginning: false)", async () => {
    await expectKilled(
      "kafka",
      {
        name: "group starts at the latest offset",
        killedBy: promiseNames.sentBeforeConsumer,
        because: /did not reach its first consumer/,
        evades: [promiseNames.neverStartedSends],
      },
      {
        ...base,
        connector: (queueName) =>
          new CrashableKafkaConnector(kafkaBrokers(), queueName, { fromBeginning: false }),
      },
      "targeted",
    );
  });
});
