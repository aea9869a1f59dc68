import type { Connector, RawMessage } from "../connector.js";
import { createConnectorContext } from "../connector-context.js";
import { reportConnectorError } from "../connector-error.js";
import { ConfigError, RomewaysError } from "../errors/index.js";
import type { QueueRef } from "../events.js";
import { instrumentSend } from "../instrumentation.js";
import {
  deadLetterQueueConfig,
  type ResolvedQueueConfig,
  resolveQueueConfig,
} from "../queue-config.js";
import type { ConnectorRegistration, QueueConsumerRegistration } from "../registration.js";
import type { QueueDeps } from "../running-queue.js";
import type { PublishCall, PublishToParent } from "./publish-call.js";
import type { Producer, PublishOptions, PublishPayload } from "./publish-options.js";
import { hubOf } from "./publish-redirect.js";
import { checkBeforePublish } from "./publish-schema.js";
import { publishedMessage } from "./published-message.js";

export interface ProducerHubOptions {
  /** The app this hub publishes for; `redirectPublishing` finds the hub by it. */
  owner: object;
  /** The app's registrations, read at each publish: connectors may be registered later. */
  registrations(): {
    readonly consumers: readonly QueueConsumerRegistration[];
    readonly connectors: readonly ConnectorRegistration[];
  };
  deps: QueueDeps;
  /** In a worker, connectors hosted in the parent are published to over IPC. */
  isWorker: boolean;
}

/**
 * The app's publishing: finds the connector of a queue, and sends through one never-started
 * connector instance per (connector, queue), built on first use and stopped with the app (the
 * contract makes `sendMessage` work unstarted, as dead letters rely on). In a worker, a
 * connector whose queues live in the parent (the memory queue) is published to by the parent.
 */
export class ProducerHub {
  private readonly senders = new Map<string, { ref: QueueRef; connector: Connector }>();
  private toParent: PublishToParent | undefined;
  private closed = false;
  /** Set by `redirectPublishing`: the test harness's running copy of this app. */
  redirect: ProducerHub | undefined;

  constructor(private readonly options: ProducerHubOptions) {
    hubOf.set(options.owner, this);
  }

  /** Publishes to `queueName` through the one connector of this app that consumes it. */
  publish(queueName: string, payload: PublishPayload, options?: PublishOptions): Promise<void> {
    if (this.redirect !== undefined) return this.redirect.publish(queueName, payload, options);
    try {
      return this.publishTo(this.connectorServing(queueName), queueName, payload, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A producer for the queues of `connectorName`, consumed here or not. */
  producer(connectorName: string): Producer {
    return {
      connectorName,
      publish: (queueName, payload, options) => {
        const hub = this.redirect ?? this;
        try {
          return hub.publishTo(connectorName, queueName, payload, options);
        } catch (error) {
          return Promise.reject(error);
        }
      },
    };
  }

  /** In a worker: how publishes reach the parent (available once the worker started). */
  attachWorkerChannel(toParent: PublishToParent | undefined): void {
    this.toParent = toParent;
  }

  /** In the parent: a worker's publish to a connector hosted here. */
  async serveWorker(call: PublishCall): Promise<void> {
    const registration = this.registration(call.connectorName, call.queueName);
    await this.sender(registration, call.queueName).sendMessage(call.message);
  }

  /**
   * Stops every sending instance. `final`: the app stopped, a publish after this is refused;
   * otherwise (a stop() before start()) the next publish builds them again.
   */
  async close(final = true): Promise<void> {
    if (final) this.closed = true;
    const senders = [...this.senders.values()];
    this.senders.clear();
    await Promise.all(
      senders.map(async ({ ref, connector }) => {
        try {
          await connector.stop();
        } catch (error) {
          reportConnectorError(this.options.deps, ref, "stop", error);
        }
      }),
    );
  }

  private async publishTo(
    connectorName: string,
    queueName: string,
    payload: PublishPayload,
    options: PublishOptions | undefined,
  ): Promise<void> {
    const ref = { connectorName, queueName };
    if (typeof queueName !== "string" || queueName.length === 0) {
      throw new ConfigError("publish needs a queue name", { connectorName, field: "queueName" });
    }
    const registration = this.registration(connectorName, queueName);
    const { clock, events } = this.options.deps;
    const message = publishedMessage(payload, options, clock.epochNow?.() ?? Date.now(), ref);
    // Trace context of the handler that publishes, when an instrumentation adds it.
    instrumentSend(this.options.deps.instrumentation, message, "publish", ref);
    this.assertOpen(queueName);
    const consumer = this.consumerConfig(connectorName, queueName);
    await checkBeforePublish(message, {
      schema: options?.schema ?? consumer?.schema,
      decode: consumer?.decode,
    });
    await this.send(registration, queueName, message);
    if (events.listenerCount("message:published") > 0) {
      events.emit("message:published", { ...ref, raw: message });
    }
  }

  private send(
    registration: ConnectorRegistration,
    queueName: string,
    message: RawMessage,
  ): Promise<unknown> {
    const { connectorName } = registration;
    if (!this.options.isWorker || registration.connector.hostedInParent !== true) {
      return this.sender(registration, queueName).sendMessage(message);
    }
    if (this.toParent === undefined) {
      throw new ConfigError(
        "in a worker process, the queues of this connector live in the parent: publish to them after start()",
        { connectorName, queueName },
      );
    }
    return this.toParent({ method: "publish", connectorName, queueName, message });
  }

  private sender(registration: ConnectorRegistration, queueName: string): Connector {
    const { connectorName } = registration;
    const id = `${connectorName}\u0000${queueName}`;
    let entry = this.senders.get(id);
    if (entry === undefined) {
      // An async schema may have let stop() close the senders meanwhile: build none after it.
      this.assertOpen(queueName);
      const ref = { connectorName, queueName };
      const Connector = registration.connector;
      const connector = new Connector(
        registration.config,
        this.queueConfig(connectorName, queueName),
        queueName,
        createConnectorContext(this.options.deps, ref),
      );
      entry = { ref, connector };
      this.senders.set(id, entry);
    }
    return entry.connector;
  }

  private assertOpen(queueName: string): void {
    if (!this.closed) return;
    throw new RomewaysError(
      "ROMEWAYS_STOPPED",
      `publish to queue "${queueName}" after stop(): the app's connectors are closed`,
    );
  }

  /**
   * The consumer's own config when this app consumes the queue (a Kafka `topic` then applies),
   * the generic fields of its source queue for a dead-letter queue, else the generic defaults:
   * the queue is addressed by its name alone.
   */
  private queueConfig(connectorName: string, queueName: string): ResolvedQueueConfig {
    const consumer = this.consumerConfig(connectorName, queueName);
    if (consumer !== undefined) return consumer;
    const consumers = this.options
      .registrations()
      .consumers.filter((c) => c.config.connectorName === connectorName);
    const source = consumers.find((c) => c.config.deadLetterQueue === queueName);
    if (source !== undefined) return deadLetterQueueConfig(source.config);
    return resolveQueueConfig(queueName, { connectorName });
  }

  /** The config of this app's consumer of the queue on that connector, if it has one. */
  private consumerConfig(connectorName: string, queueName: string) {
    return this.options
      .registrations()
      .consumers.find((c) => c.queueName === queueName && c.config.connectorName === connectorName)
      ?.config;
  }

  private connectorServing(queueName: string): string {
    const { consumers } = this.options.registrations();
    const serving = consumers.filter((c) => c.queueName === queueName);
    const [first] = serving;
    if (first === undefined) {
      const consumed = consumers.map((c) => `"${c.queueName}"`).join(", ") || "none";
      throw new ConfigError(
        `no consumer of this queue in this app (consumed: ${consumed}); to publish to a queue this app does not consume, use romeways.producer(connectorName).publish("${queueName}", payload)`,
        { queueName, field: "queueName" },
      );
    }
    if (serving.length > 1) {
      const names = serving.map((c) => `"${c.config.connectorName}"`).join(", ");
      throw new ConfigError(
        `consumed on several connectors (${names}); pick one with romeways.producer(connectorName).publish("${queueName}", payload)`,
        { queueName, field: "queueName" },
      );
    }
    return first.config.connectorName;
  }

  private registration(connectorName: string, queueName: string): ConnectorRegistration {
    const { connectors } = this.options.registrations();
    const registration = connectors.find((c) => c.connectorName === connectorName);
    if (registration === undefined) {
      const known = connectors.map((c) => `"${c.connectorName}"`).join(", ") || "none";
      throw new ConfigError(
        `no connector with this connectorName was registered (registered: ${known}); call connectorRegister({ connector, config: { connectorName: "${connectorName}" } }) before publishing`,
        { queueName, connectorName, field: "connectorName" },
      );
    }
    return registration;
  }
}
