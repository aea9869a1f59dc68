import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// TypeScript romeways against the real Python package (rome-ways from PyPI, in a venv that
// scripts/python makes once): the codec vectors, and both libraries as consumers on one
// real Kafka broker, started here unless KAFKA_BROKERS points at one.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "python",
    include: ["test/**/*.test.ts"],
    globalSetup: ["global-setup.ts"],
    // One file at a time: the tests run Python consumer processes on a small machine.
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
