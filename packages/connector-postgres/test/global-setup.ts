import type { TestProject } from "vitest/node";
import { startPostgresServer } from "../../../scripts/postgres/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** The server the PostgreSQL tests use. */
    databaseUrl: string;
  }
}

/** Uses the server in DATABASE_URL, else starts a fresh one and stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DATABASE_URL;
  if (given !== undefined && given.length > 0) {
    project.provide("databaseUrl", given);
    return async () => {};
  }
  const server = await startPostgresServer({
    log: (line) => console.log(`[postgres tests] ${line}`),
  });
  project.provide("databaseUrl", server.url);
  return () => server.stop();
}
