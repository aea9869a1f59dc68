import { registerConnector } from "@romeways/core";
import type { KafkaConnectorConfig, KafkaQueueConfig } from "./config.js";
import { KafkaQueueConnector } from "./kafka-queue-connector.js";

export type { PartitionAssignerName } from "./assigners/index.js";
export type { KafkaConnectorConfig, KafkaQueueConfig } from "./config.js";
export type { KafkaRawMessage } from "./kafka-message.js";
export type { TopicCreation } from "./kafkajs-admin.js";
export type { KafkaClientOptions, KafkaPartitionAssigner } from "./kafkajs-client.js";
export type { KafkaLogLevel } from "./kafkajs-log.js";
export type { KafkaProducerOptions } from "./producer-options.js";
export { KafkaSendRejectedError } from "./send-failure.js";
export { KafkaQueueConnector };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    kafka: { connectorConfig: KafkaConnectorConfig; queueConfig: KafkaQueueConfig };
  }
}

registerConnector("kafka", KafkaQueueConnector);
