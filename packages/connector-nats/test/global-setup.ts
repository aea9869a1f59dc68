import type { TestProject } from "vitest/node";
import { startNatsServer } from "../../../scripts/nats/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the NATS server the tests use. */
    natsUrl: string;
  }
}

/** Uses the server in NATS_URL, else starts a fresh one and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.NATS_URL;
  if (given !== undefined && given.length > 0) {
    project.provide("natsUrl", given);
    return async () => {};
  }
  const server = await startNatsServer();
  project.provide("natsUrl", server.url);
  return () => server.stop();
}
