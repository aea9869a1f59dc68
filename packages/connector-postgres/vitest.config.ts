import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real PostgreSQL server: the global setup starts one unless
// DATABASE_URL points at a running server.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "postgres",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time: the tests spawn consumer processes and time leases on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
