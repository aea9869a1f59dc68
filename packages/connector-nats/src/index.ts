import { registerConnector } from "@romeways/core";
import type { NatsConnectorConfig, NatsQueueConfig } from "./config.js";
import { NatsQueueConnector } from "./nats-queue-connector.js";

export type { NatsConnectorConfig, NatsQueueConfig, NatsStreamOptions } from "./config.js";
export type { NatsRawMessage } from "./nats-message.js";
export { NatsQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    nats: { connectorConfig: NatsConnectorConfig; queueConfig: NatsQueueConfig };
  }
}

registerConnector("nats", NatsQueueConnector);
