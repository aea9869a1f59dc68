import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real Kafka broker: the global setup starts one unless
// KAFKA_BROKERS points at a running broker.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "kafka",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time (fileParallelism is not a project option): the tests spawn consumer
    // processes and measure timings on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
