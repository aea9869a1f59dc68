import { registerConnector } from "@romeways/core";
import type { RedisConnectorConfig, RedisQueueConfig } from "./config.js";
import { RedisQueueConnector } from "./redis-queue-connector.js";

export type { RedisConnectorConfig, RedisQueueConfig } from "./config.js";
export type { RedisClientOptions } from "./redis-client.js";
export type { RedisRawMessage } from "./redis-message.js";
export { RedisQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    redis: { connectorConfig: RedisConnectorConfig; queueConfig: RedisQueueConfig };
  }
}

registerConnector("redis", RedisQueueConnector);
