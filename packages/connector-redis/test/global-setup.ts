import type { TestProject } from "vitest/node";
import { startRedisServer } from "../../../scripts/redis/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the Redis server the tests use. */
    redisUrl: string;
  }
}

/** Uses the server in REDIS_URL, else starts a fresh one and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given !== undefined && given.length > 0) {
    project.provide("redisUrl", given);
    return async () => {};
  }
  const server = await startRedisServer();
  project.provide("redisUrl", server.url);
  return () => server.stop();
}
