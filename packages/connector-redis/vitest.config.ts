import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real redis-server: the global setup starts one unless REDIS_URL
// points at a running server.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "redis",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time (fileParallelism is not a project option): the tests spawn consumer
    // processes and measure timings on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
