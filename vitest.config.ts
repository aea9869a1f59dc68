import { defineConfig } from "vitest/config";
import { workspaceAlias } from "./vitest.shared.js";

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: workspaceAlias },
        test: {
          name: "unit",
          include: [
            "packages/{core,connector-memory,testing,opentelemetry}/test/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
          ],
          testTimeout: 20_000,
        },
      },
      "packages/connector-kafka/vitest.config.ts",
      "interop/python/vitest.config.ts",
      "packages/connector-postgres/vitest.config.ts",
      "packages/connector-redis/vitest.config.ts",
      "packages/connector-nats/vitest.config.ts",
      "packages/connector-amqp/vitest.config.ts",
      "packages/connector-sqs/vitest.config.ts",
      "packages/opentelemetry/vitest.config.ts",
    ],
  },
});
