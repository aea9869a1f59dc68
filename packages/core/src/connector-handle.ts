import type { HandleQueueConfig, QueueHandler, SchemaParam } from "./config-types.js";
import { ConfigError } from "./errors/index.js";
import type { Handler } from "./handler-call.js";
import type { QueueConfig } from "./queue-config.js";

/**
 * What `connectorRegister` returns: the registered connector, whose `queueConsumer` takes
 * exactly that connector's queue config (its connectorName implied), so a missing required
 * field, a wrong one or a typo is a compile error naming the field.
 */
export interface ConnectorHandle<Q extends QueueConfig = QueueConfig, N extends string = string> {
  /** The connectorName this connector was registered under. */
  readonly connectorName: N;
  /**
   * Registers `handler` for `queueName` on this connector; returns the handler. With a
   * `schema`, the handler's `message.data` is the schema's output.
   */
  queueConsumer<
    S extends SchemaParam = undefined,
    D = unknown,
    H extends QueueHandler<S, D> = QueueHandler<S, D>,
  >(queueName: string, config: HandleQueueConfig<Q, N, S, D>, handler: H): H;
}

interface ConsumerRegistry {
  queueConsumer(queueName: string, config: QueueConfig, handler: Handler): unknown;
}

/** The handle of the connector registered as `connectorName` on `app`. */
export function connectorHandle(app: ConsumerRegistry, connectorName: string): ConnectorHandle {
  return {
    connectorName,
    queueConsumer(queueName, config, handler) {
      const given = (config as { connectorName?: unknown } | null | undefined)?.connectorName;
      if (given !== undefined && given !== connectorName) {
        throw new ConfigError(
          `connectorName "${String(given)}" is not this handle's connector: leave it out`,
          { queueName, connectorName, field: "connectorName" },
        );
      }
      app.queueConsumer(queueName, { ...config, connectorName }, handler as Handler);
      return handler;
    },
  };
}
