import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real nats-server with JetStream: the global setup starts one
// unless NATS_URL points at a running server.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "nats",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time (fileParallelism is not a project option): the tests spawn consumer
    // processes and restart the server.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
