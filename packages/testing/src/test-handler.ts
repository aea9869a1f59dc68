import {
  createRomeways,
  type Handler,
  type PayloadFields,
  type QueueConfig,
  type QueueHandler,
} from "@romeways/core";
import { FakeConnector } from "./fake-connector.js";
import { createTestHarness, type TestHarnessOptions } from "./harness.js";
import type { MessageOutcome } from "./outcomes.js";
import type { Publishable } from "./sent-message.js";

/** Queue settings for `testHandler`; `sequential` defaults to true so outcomes follow the payloads. */
export interface TestHandlerOptions
  extends Omit<QueueConfig, "connectorName" | "schema" | "decode">,
    Pick<TestHarnessOptions, "timeoutMs"> {
  /** The queue name the handler sees in `message.queueName`. Default "test.queue". */
  queueName?: string;
}

const connectorName = "handler-under-test";

/**
 * Runs `handler` on each payload through a real poll loop on the fake connector, until every
 * payload and its resends have an outcome, and returns the outcomes in the order they happened.
 */
export async function testHandler<S extends QueueConfig["schema"] = undefined, D = unknown>(
  handler: QueueHandler<S, D>,
  payloads: Iterable<Publishable>,
  // With a `schema`, the handler's `message.data` is typed as on a real queue.
  options: TestHandlerOptions & PayloadFields<S, D> = {},
): Promise<MessageOutcome[]> {
  const { queueName = "test.queue", timeoutMs, ...queueConfig } = options;
  const app = createRomeways({ handleSignals: false });
  const sequential = queueConfig.sequential ?? true;
  app.queueConsumer(queueName, { ...queueConfig, sequential, connectorName }, handler as Handler);
  app.connectorRegister({ connector: FakeConnector, config: { connectorName } });
  const harness = await createTestHarness(app, timeoutMs === undefined ? {} : { timeoutMs });
  try {
    for (const payload of payloads) harness.publish(queueName, payload);
    await harness.settled();
    return harness.outcomes();
  } finally {
    await harness.stop();
  }
}
