import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real SQS server: the global setup starts ElasticMQ unless
// SQS_ENDPOINT points at a running one.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "sqs",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time (fileParallelism is not a project option): the tests spawn consumer
    // processes and servers of their own on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
