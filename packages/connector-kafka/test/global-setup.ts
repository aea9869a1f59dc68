import { performance } from "node:perf_hooks";
import type { TestProject } from "vitest/node";
import { startKafkaBroker } from "../../../scripts/kafka/broker.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker the Kafka tests use. */
    kafkaBrokers: string;
  }
}

/** Uses the broker in KAFKA_BROKERS, else starts a fresh one and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.KAFKA_BROKERS;
  if (given !== undefined && given.length > 0) {
    project.provide("kafkaBrokers", given);
    return async () => {};
  }
  const started = performance.now();
  const broker = await startKafkaBroker();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`[kafka tests] broker ${broker.brokers} (pid ${broker.pid}) ready in ${seconds}s`);
  project.provide("kafkaBrokers", broker.brokers);
  return () => broker.stop();
}
