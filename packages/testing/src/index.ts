import { type QueueConfig, registerConnector } from "@romeways/core";
import { FakeConnector, type FakeConnectorConfig } from "./fake-connector.js";

export {
  type ConnectorCapabilities,
  type ConnectorConformanceOptions,
  type DescribeFunction,
  type TestFunction,
  testConnector,
} from "./conformance.js";
export { FakeBroker } from "./fake-broker.js";
export type { FakeQueue } from "./fake-queue.js";
export {
  createTestHarness,
  type PublishOptions,
  type TestHarness,
  type TestHarnessOptions,
} from "./harness.js";
export type { MessageOutcome, OutcomeKind } from "./outcomes.js";
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
