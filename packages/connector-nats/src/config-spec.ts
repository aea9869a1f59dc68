import type { ConnectorConfigSpec } from "@romeways/core";
import {
  checkConnectorConfig,
  type NatsConnectorConfig,
  type NatsQueueConfig,
  resolveConsumerSettings,
} from "./config.js";

/**
 * Every field of both configs (a field added to them without a line here is a compile error),
 * so that core and `createTestHarness` reject unknown ones with a "did you mean", and the
 * checks `start()` runs, without connecting. The connection fields are `connect()`'s options.
 */
export const natsConfigSpec: ConnectorConfigSpec<NatsConnectorConfig, NatsQueueConfig> = {
  connectorFields: {
    servers: true,
    stream: true,
    declare: true,
    deduplicate: true,
    authenticator: true,
    debug: true,
    ignoreAuthErrorAbort: true,
    ignoreClusterUpdates: true,
    inboxPrefix: true,
    maxPingOut: true,
    maxReconnectAttempts: true,
    name: true,
    noAsyncTraces: true,
    noEcho: true,
    noRandomize: true,
    pass: true,
    pedantic: true,
    pingInterval: true,
    port: true,
    reconnect: true,
    reconnectDelayHandler: true,
    reconnectJitter: true,
    reconnectJitterTLS: true,
    reconnectTimeWait: true,
    reconnectToServer: true,
    resolve: true,
    timeout: true,
    tls: true,
    token: true,
    user: true,
    verbose: true,
    waitOnFirstConnect: true,
  },
  queueFields: {
    group: true,
    subject: true,
    stream: true,
    ackWaitMs: true,
    expiresMs: true,
    maxAckPending: true,
  },
  check(connectorConfig, queueConfig, queueName) {
    checkConnectorConfig(connectorConfig, queueName);
    resolveConsumerSettings(queueConfig, queueName);
  },
};
