import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// Every test here talks to a real RabbitMQ: the global setup starts one unless AMQP_URL points
// at a running broker (the broker-restart test then needs the server it started: it is skipped).
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "amqp",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // One file at a time: the tests spawn consumer processes and restart the broker.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
