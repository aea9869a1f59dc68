import { registerConnector } from "@romeways/core";
import { AmqpQueueConnector } from "./amqp-queue-connector.js";
import type { AmqpConnectorConfig, AmqpQueueConfig } from "./config.js";

export type { AmqpRawMessage } from "./amqp-message.js";
export type { AmqpConnectorConfig, AmqpQueueConfig, AmqpQueueType } from "./config.js";
export { keyHeader } from "./message-properties.js";
export { AmqpQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    amqp: { connectorConfig: AmqpConnectorConfig; queueConfig: AmqpQueueConfig };
  }
}

registerConnector("amqp", AmqpQueueConnector);
