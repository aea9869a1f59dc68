import { registerConnector } from "@romeways/core";
import { type MemoryConnectorConfig, MemoryQueueConnector, type MemoryQueueConfig } from "./memory-queue-connector.js";

export { MemoryQueue, type PutOptions } from "./memory-queue.js";
export { type MemoryConnectorConfig, MemoryQueueConnector, type MemoryQueueConfig };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    memory: { connectorConfig: MemoryConnectorConfig; queueConfig: MemoryQueueConfig };
  }
}

registerConnector("memory", MemoryQueueConnector);
