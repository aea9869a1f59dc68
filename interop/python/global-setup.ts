import { performance } from "node:perf_hooks";
import type { TestProject } from "vitest/node";
import { startKafkaBroker } from "../../scripts/kafka/broker.mjs";
import { ensurePythonVenv } from "../../scripts/python/venv.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker the tests use. */
    kafkaBrokers: string;
    /** The python of the venv that has rome-ways installed. */
    pythonPath: string;
  }
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

/** One venv and one broker (KAFKA_BROKERS, else a fresh one) for the whole project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const given = process.env.KAFKA_BROKERS;
  const [pythonPath, broker] = await Promise.all([
    ensurePythonVenv(),
    given ? Promise.resolve(undefined) : startKafkaBroker(),
  ]);
  const brokers = broker?.brokers ?? (given as string);
  console.log(`[python tests] venv ${pythonPath}, broker ${brokers}, ready in ${seconds(started)}`);
  project.provide("pythonPath", pythonPath);
  project.provide("kafkaBrokers", brokers);
  return async () => {
    await broker?.stop();
  };
}
