import { registerConnector } from "@romeways/core";
import {
  type MemoryConnectorConfig,
  type MemoryQueueConfig,
  MemoryQueueConnector,
} from "./memory-queue-connector.js";

export { MemoryQueue, type PutOptions } from "./memory-queue.js";
export { type MemoryConnectorConfig, type MemoryQueueConfig, MemoryQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    memory: { connectorConfig: MemoryConnectorConfig; queueConfig: MemoryQueueConfig };
  }
}

registerConnector("memory", MemoryQueueConnector);
