import { registerConnector } from "@romeways/core";
import type { SqsConnectorConfig, SqsQueueConfig } from "./config.js";
import { SqsQueueConnector } from "./sqs-queue-connector.js";

export type { SqsConnectorConfig, SqsQueueConfig } from "./config.js";
export type { SqsRawMessage } from "./sqs-message.js";
export { SqsQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    sqs: { connectorConfig: SqsConnectorConfig; queueConfig: SqsQueueConfig };
  }
}

registerConnector("sqs", SqsQueueConnector);
