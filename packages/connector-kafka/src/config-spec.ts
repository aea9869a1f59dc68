import type { ConnectorConfigSpec } from "@romeways/core";
import {
  type KafkaConnectorConfig,
  type KafkaQueueConfig,
  resolveClientSettings,
  resolveConsumerSettings,
} from "./config.js";

/** What core checks of a Kafka config at connectorRegister and start(), without connecting. */
export const kafkaConfigSpec: ConnectorConfigSpec<KafkaConnectorConfig, KafkaQueueConfig> = {
  connectorFields: {
    brokers: true,
    clientId: true,
    allowAutoTopicCreation: true,
    createTopics: true,
    kafkaLogLevel: true,
    producer: true,
    ssl: true,
    sasl: true,
    connectionTimeout: true,
    authenticationTimeout: true,
    reauthenticationThreshold: true,
    requestTimeout: true,
    enforceRequestTimeout: true,
    retry: true,
    logLevel: true,
    logCreator: true,
    socketFactory: true,
  },
  queueFields: {
    topic: true,
    groupId: true,
    fromBeginning: true,
    sessionTimeout: true,
    rebalanceTimeout: true,
    heartbeatInterval: true,
    maxBytesPerPartition: true,
    maxWaitTimeInMs: true,
    partitionsConsumedConcurrently: true,
    commitIntervalMs: true,
    partitionAssigners: true,
    joinTimeoutMs: true,
    stopTimeoutMs: true,
    maxBytesInFlight: true,
  },
  check(connectorConfig, queueConfig, queueName) {
    resolveClientSettings(connectorConfig, queueName);
    resolveConsumerSettings(queueConfig, queueName);
  },
};
