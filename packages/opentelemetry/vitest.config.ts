import { defineProject } from "vitest/config";
import { workspaceAlias } from "../../vitest.shared.js";

// @romeways/opentelemetry on a real Kafka broker: the Kafka tests' global setup starts one
// unless KAFKA_BROKERS points at a running broker. (The unit project runs test/.)
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: "opentelemetry-kafka",
    include: ["test-kafka/**/*.test.ts"],
    globalSetup: ["../connector-kafka/test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
