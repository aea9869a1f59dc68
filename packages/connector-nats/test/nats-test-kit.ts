// Helpers for tests against the real server: every test gets its own subject, stream and group.
import { randomUUID } from "node:crypto";
import {
  type NatsConnectorConfig,
  type NatsQueueConfig,
  NatsQueueConnector,
} from "@romeways/connector-nats";
import { inject } from "vitest";

export const natsUrl = (): string => inject("natsUrl");

export const uniqueSubject = (prefix = "romeways-test"): string =>
  `${prefix}-${randomUUID().slice(0, 8)}`;

export function connectorConfig(overrides: Partial<NatsConnectorConfig> = {}): NatsConnectorConfig {
  return { connectorName: "nats-test", servers: natsUrl(), ...overrides };
}

export function queueConfig(
  queueName: string,
  overrides: Partial<NatsQueueConfig> = {},
): NatsQueueConfig {
  return { connectorName: "nats-test", group: `${queueName}-group`, ...overrides };
}

/**
 * An instance whose connection can be cut as a SIGKILL cuts a process's: nothing handed back,
 * no more `working()`, so JetStream delivers what it held again after `ackWait`.
 */
export class CrashableNatsConnector extends NatsQueueConnector {
  crash(): Promise<void> {
    return this.abandon();
  }
}
