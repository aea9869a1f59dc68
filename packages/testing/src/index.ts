import { type QueueConfig, registerConnector } from "@romeways/core";
import { FakeConnector, type FakeConnectorConfig } from "./fake-connector.js";

export {
  collectEvents,
  type EventPayload,
  type EventWaitOptions,
  type HasEvents,
  nextEvent,
} from "./app-events.js";
export {
  type AdditionalTests,
  type ConformanceWorkers,
  type ConnectorCapabilities,
  type ConnectorConformanceOptions,
  type ConnectorFactory,
  type DescribeFunction,
  type PromiseArea,
  type TestFunction,
  testConnector,
} from "./conformance.js";
export {
  type ConformanceRunOptions,
  type PromiseResult,
  runConformance,
} from "./conformance-runner.js";
export { ConformanceSession, type TakeOptions } from "./conformance-session.js";
export { type ConformanceAppOptions, runConformanceApp } from "./conformance-worker-app.js";
export { FakeBroker } from "./fake-broker.js";
export type { FakeQueue } from "./fake-queue.js";
export { readFinishedLines } from "./finished-lines.js";
export {
  createTestHarness,
  type PublishOptions,
  type TestHarness,
  type TestHarnessOptions,
} from "./harness.js";
export {
  fakeConnectorFor,
  type HarnessAdapter,
  type HarnessDelivery,
  registerHarnessAdapter,
} from "./harness-adapters.js";
export { bodyText, bytes, sameBytes } from "./message-bytes.js";
export {
  type ConsumerProcess,
  type ConsumerProcessOptions,
  countHandled,
  type HandledCounts,
  type HandledRecord,
  handledFile,
  type KillAndRestartOptions,
  type KillAndRestartResult,
  type NoLossConsumer,
  type NoLossMessage,
  noLossConsumer,
  noLossEnv,
  type ProcessExit,
  readHandled,
  recordHandled,
  repeatedIds,
  runKillAndRestart,
  startConsumerProcess,
  waitForHandled,
} from "./no-loss/index.js";
export type { MessageOutcome, OutcomeKind } from "./outcomes.js";
export type { PublishedMessage } from "./published-messages.js";
export { uniqueQueueName } from "./queue-names.js";
export {
  type ConnectorCall,
  RecordingConnector,
  recordConnectorClass,
} from "./recording-connector.js";
export type { DeadLetter, Publishable, SentMessage } from "./sent-message.js";
export { type TestHandlerOptions, testHandler } from "./test-handler.js";
export { VirtualClock } from "./virtual-clock.js";
export { FakeConnector, type FakeConnectorConfig };

declare module "@romeways/core" {
  interface ConnectorTypeMap {
    fake: { connectorConfig: FakeConnectorConfig; queueConfig: QueueConfig };
  }
}

registerConnector("fake", FakeConnector);
