import type { TestProject } from "vitest/node";
import { startSqsServer } from "../../../scripts/sqs/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the SQS server the tests use. */
    sqsEndpoint: string;
  }
}

/** Uses the server in SQS_ENDPOINT, else starts a fresh ElasticMQ and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.SQS_ENDPOINT;
  if (given !== undefined && given.length > 0) {
    project.provide("sqsEndpoint", given);
    return async () => {};
  }
  const server = await startSqsServer();
  project.provide("sqsEndpoint", server.endpoint);
  return () => server.stop();
}
