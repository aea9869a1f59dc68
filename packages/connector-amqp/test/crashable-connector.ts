// An AMQP connector whose connection can be cut for good, as a SIGKILL cuts a process's.
import {
  type AmqpConnectorConfig,
  type AmqpQueueConfig,
  AmqpQueueConnector,
} from "@romeways/connector-amqp";
import type { ConnectorContext } from "@romeways/core";

export class CrashableAmqpConnector extends AmqpQueueConnector {
  constructor(
    url: string,
    queueName: string,
    queueConfig: Partial<AmqpQueueConfig> = {},
    context?: ConnectorContext,
    connectorConfig: Partial<AmqpConnectorConfig> = {},
  ) {
    super(
      { connectorName: "amqp-test", url, ...connectorConfig },
      { connectorName: "amqp-test", ...queueConfig },
      queueName,
      context,
    );
  }

  /** Destroys the socket: no ack, no nack, no goodbye; the broker puts back what it held. */
  crash(): void {
    this.dropConnection();
  }
}
