/** The Standard Schema interface `schema` takes (from `@standard-schema/spec`). */
export type { StandardSchemaV1 } from "@standard-schema/spec";
export { type Clock, systemClock } from "./clock.js";
export {
  type ConnectorConfigSpec,
  checkQueueConfig,
  type FieldNames,
} from "./config-spec.js";
export type {
  AnyConnectorClass,
  AppConnectors,
  AppQueueConfig,
  ConnectorConfigOf,
  ConnectorRef,
  HandleQueueConfig,
  NoAppConnectors,
  PayloadFields,
  QueueConfigOf,
  QueueHandler,
} from "./config-types.js";
export type {
  Connector,
  ConnectorClass,
  ConnectorConfig,
  ConnectorHealth,
  RawMessage,
} from "./connector.js";
export type { ConnectorContext } from "./connector-context.js";
export type { ConnectorHandle } from "./connector-handle.js";
export {
  type DeadLetterReplayOptions,
  type DeadLetterReplayResult,
  replayDeadLetters,
} from "./dead-letter-replay.js";
export { type DecodedBody, decodeBody, encodeResend, type JsonValue } from "./envelope.js";
export {
  ConfigError,
  type ConfigErrorContext,
  type ConfigFailure,
  configFailure,
  HandlerTimeoutError,
  InvalidPayloadError,
  ResendError,
  type ResendErrorOptions,
  RomewaysError,
  ThrownValueError,
} from "./errors/index.js";
export type {
  ConnectorPhase,
  DeadLetterReason,
  MessageDoneEvent,
  MessageEvent,
  QueueRef,
  RomewaysEmitter,
  RomewaysEventName,
  RomewaysEvents,
  WorkerRef,
} from "./events.js";
export type { Handler } from "./handler-call.js";
export {
  type AppState,
  type HealthOptions,
  healthDefaults,
  type QueueHealth,
  type RomewaysHealth,
  type WorkerHealth,
  type WorkerState,
} from "./health/health-types.js";
export type { Instrumentation, OutgoingMessage, SendKind } from "./instrumentation.js";
export { createConsoleLogger, type Logger, type LogLevel } from "./logger.js";
export type { Message } from "./message.js";
export { romewaysHeaders } from "./message-headers.js";
export type { HandlerResult, Outcome, OutcomeName } from "./outcome.js";
export type {
  PayloadConfig,
  PayloadData,
  PayloadInput,
  QueuePayloadInput,
} from "./payload-schema.js";
export type {
  Producer,
  PublishOptions,
  PublishPayload,
  PublishPayloadFor,
} from "./producer/publish-options.js";
export { redirectPublishing } from "./producer/publish-redirect.js";
export type { QueueConfig, ResolvedQueueConfig } from "./queue-config.js";
export type {
  ConnectorRegistration,
  QueueConsumerRegistration,
  RegisterByClass,
  RegisterByName,
  Registration,
  Romeways,
  RomewaysOptions,
} from "./registration.js";
export {
  type ConnectorName,
  type ConnectorTypeMap,
  getRegisteredConnector,
  registerConnector,
  registeredConnectorNames,
} from "./registry.js";
export { createRomeways } from "./romeways.js";
export type { ResendDelay, SchedulingConfig } from "./scheduling-config.js";
