import type { RawMessage } from "@romeways/core";
import type { MessageProperties } from "amqplib";

/**
 * A message as the AMQP connector delivers it: the `RawMessage` plus what RabbitMQ said about
 * the delivery. Handlers see it as `message.raw`; core hands the same object back to `ack`.
 */
export interface AmqpRawMessage extends RawMessage {
  /** The RabbitMQ queue it came from. */
  readonly queue: string;
  /** The exchange and routing key it was published with (`""` and the queue name: sent straight). */
  readonly exchange: string;
  readonly routingKey: string;
  /** True when the broker delivered it before (to this or another consumer). */
  readonly redelivered: boolean;
  /**
   * Quorum queues: how many deliveries before this one were not acknowledged (the broker's
   * `x-delivery-count`, 0 on the first delivery). Classic queues do not count: undefined.
   */
  readonly deliveryCount: number | undefined;
  /** The AMQP basic properties (messageId, timestamp, headers as the broker sent them, ...). */
  readonly properties: MessageProperties;
}
