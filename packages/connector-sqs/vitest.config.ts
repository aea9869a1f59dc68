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
    // The SDK warns once per process on Node 20 that its 2027 releases need Node 22: noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // One file at a time (fileParallelism is not a project option): the tests spawn consumer
    // processes and servers of their own on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
