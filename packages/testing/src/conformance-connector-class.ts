import type { Connector, ConnectorClass, ConnectorContext, RawMessage } from "@romeways/core";
import type { ConnectorFactory } from "./conformance.js";

/**
 * A connector class core can register, whose instances are the author's factory's: core
 * builds it with (config, queueConfig, queueName, context) and the factory gets
 * (queueName, context), so the suite runs core over exactly the instances the author makes.
 */
export function connectorClassOf(
  factory: ConnectorFactory,
  hostedInParent: boolean,
): ConnectorClass {
  return class FactoryConnector implements Connector {
    static readonly hostedInParent = hostedInParent;
    private readonly inner: Promise<Connector>;

    constructor(
      _config: unknown,
      _queueConfig: unknown,
      queueName: string,
      context: ConnectorContext,
    ) {
      this.inner = Promise.resolve().then(() => factory(queueName, context));
      // A factory that throws fails the first call; this keeps it from being reported unhandled first.
      this.inner.catch(() => {});
    }

    async start(): Promise<void> {
      await (await this.inner).start();
    }

    async getMessages(maxChunkSize: number, signal: AbortSignal): Promise<RawMessage[]> {
      return (await this.inner).getMessages(maxChunkSize, signal);
    }

    async sendMessage(message: RawMessage): Promise<void> {
      await (await this.inner).sendMessage(message);
    }

    async ack(messages: RawMessage[]): Promise<void> {
      await (await this.inner).ack(messages);
    }

    async stop(): Promise<void> {
      await (await this.inner).stop();
    }
  };
}
