import { registerConnector } from "@romeways/core";
import type { PostgresConnectorConfig, PostgresQueueConfig } from "./config.js";
import { PostgresQueueConnector } from "./postgres-queue-connector.js";

export type { PostgresConnectorConfig, PostgresQueueConfig } from "./config.js";
export type { PostgresRawMessage } from "./message-row.js";
export { migrate, type QueueDatabase, type QueueTableOptions } from "./migrate.js";
export { enqueue, type OutboxMessage } from "./outbox.js";
export { PostgresQueueConnector } from "./postgres-queue-connector.js";

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    postgres: { connectorConfig: PostgresConnectorConfig; queueConfig: PostgresQueueConfig };
  }
}

registerConnector("postgres", PostgresQueueConnector);
