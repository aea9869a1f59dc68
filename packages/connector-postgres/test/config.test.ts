// Bad config is a ConfigError at construction that names the queue, the connector and the field.
import { type PostgresConnectorConfig, PostgresQueueConnector } from "@romeways/connector-postgres";
import { ConfigError } from "@romeways/core";
import { describe, expect, test } from "vitest";

function build(config: Partial<PostgresConnectorConfig>) {
  return () =>
    new PostgresQueueConnector(
      { connectorName: "pg", ...config } as PostgresConnectorConfig,
      { connectorName: "pg" },
      "orders",
    );
}

function fieldOf(make: () => unknown): string | undefined {
  try {
    make();
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      expect(error.message).toContain("orders");
      return error.field;
    }
    throw error;
  }
  return undefined;
}

describe("PostgreSQL connector config", () => {
  test.each([
    [{}, "connectionString"],
    [{ connectionString: "" }, "connectionString"],
    [{ connectionString: "postgres://x/y", table: "" }, "table"],
    [{ connectionString: "postgres://x/y", schema: "s".repeat(64) }, "schema"],
    [{ connectionString: "postgres://x/y", visibilityTimeoutMs: 10 }, "visibilityTimeoutMs"],
    [
      { connectionString: "postgres://x/y", visibilityTimeoutMs: Number.NaN },
      "visibilityTimeoutMs",
    ],
    [{ connectionString: "postgres://x/y", pollIntervalMs: -1 }, "pollIntervalMs"],
    [{ connectionString: "postgres://x/y", retentionMs: -5 }, "retentionMs"],
    [{ connectionString: "postgres://x/y", listen: "yes" as unknown as boolean }, "listen"],
  ] as const)("%o is refused, naming %s", (config, field) => {
    expect(fieldOf(build(config))).toBe(field);
  });

  test("connectionString or pool options alone are enough", () => {
    expect(fieldOf(build({ connectionString: "postgres://x/y" }))).toBeUndefined();
    expect(fieldOf(build({ pool: { host: "db", database: "app" } }))).toBeUndefined();
  });
});
