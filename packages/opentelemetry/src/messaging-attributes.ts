import type { Attributes } from "@opentelemetry/api";
import type { QueueRef, Romeways } from "@romeways/core";

/** The attribute names this package writes: OTel's messaging conventions, then romeways' own. */
export const attributeNames = {
  system: "messaging.system",
  destination: "messaging.destination.name",
  consumerGroup: "messaging.consumer.group.name",
  operationType: "messaging.operation.type",
  operationName: "messaging.operation.name",
  batchCount: "messaging.batch.message_count",
  bodySize: "messaging.message.body.size",
  partition: "messaging.destination.partition.id",
  kafkaOffset: "messaging.kafka.offset",
  errorType: "error.type",
  connector: "romeways.connector.name",
  queue: "romeways.queue.name",
  outcome: "romeways.outcome",
  resendTimes: "romeways.message.resend_times",
  deadLetterReason: "romeways.dead_letter.reason",
} as const;

/**
 * Where a connector's raw messages say where they sit (the Kafka connector's `partition` and
 * `offset`): the conventions' partition id and offset, set on a message's span.
 */
export function setPosition(
  raw: object,
  span: { setAttribute(key: string, value: string | number): unknown },
): void {
  const { partition, offset } = raw as { partition?: unknown; offset?: unknown };
  if (typeof partition === "number") span.setAttribute(attributeNames.partition, String(partition));
  if (typeof offset === "string" && /^\d+$/.test(offset)) {
    span.setAttribute(attributeNames.kafkaOffset, Number(offset));
  }
}

/** `messaging.system` of the connectors shipped here; others: the class name, e.g. "redis". */
const knownSystems: Record<string, string> = {
  amqp: "rabbitmq",
  rabbitmq: "rabbitmq",
  sqs: "aws_sqs",
};

/**
 * The attributes that name a queue, computed once per (connector, queue) from the app's
 * registrations: `messaging.system` from the connector (or the user's `messagingSystems`),
 * `messaging.destination.name` the broker's name for it (a Kafka `topic`, else the queue
 * name), `messaging.consumer.group.name` a consumer's `groupId` where it has one.
 */
export class MessagingAttributes {
  private readonly cache = new Map<string, Attributes>();

  constructor(
    private readonly app: Romeways,
    private readonly systems: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * The queue's attributes with `messaging.operation.type` and `.name`, one frozen object per
   * combination: building `{ ...attributes, more }` per message costs microseconds on Node 20.
   */
  withOperation(ref: QueueRef, type: string, name: string): Attributes {
    const id = `${ref.connectorName}\u0000${ref.queueName}\u0000${type}\u0000${name}`;
    let attributes = this.cache.get(id);
    if (attributes === undefined) {
      attributes = Object.freeze({
        ...this.of(ref),
        [attributeNames.operationType]: type,
        [attributeNames.operationName]: name,
      });
      this.cache.set(id, attributes);
    }
    return attributes;
  }

  of(ref: QueueRef): Attributes {
    const id = `${ref.connectorName}\u0000${ref.queueName}`;
    let attributes = this.cache.get(id);
    if (attributes === undefined) {
      attributes = Object.freeze(this.compute(ref));
      this.cache.set(id, attributes);
    }
    return attributes;
  }

  private compute({ connectorName, queueName }: QueueRef): Attributes {
    const { consumers } = this.app.registrations;
    const consumer = consumers.find(
      (c) => c.queueName === queueName && c.config.connectorName === connectorName,
    );
    const config = (consumer?.config ?? {}) as { topic?: unknown; groupId?: unknown };
    const attributes: Attributes = {
      [attributeNames.system]: this.systemOf(connectorName),
      [attributeNames.destination]: typeof config.topic === "string" ? config.topic : queueName,
      [attributeNames.connector]: connectorName,
      [attributeNames.queue]: queueName,
    };
    if (typeof config.groupId === "string") {
      attributes[attributeNames.consumerGroup] = config.groupId;
    }
    return attributes;
  }

  private systemOf(connectorName: string): string {
    const own = this.systems[connectorName];
    if (own !== undefined) return own;
    const registration = this.app.registrations.connectors.find(
      (c) => c.connectorName === connectorName,
    );
    // "KafkaQueueConnector" -> "kafka", "SqsQueueConnector" -> "sqs" (then "aws_sqs").
    const name = registration?.connector.name.replace(/(Queue)?Connector$/, "").toLowerCase();
    if (name === undefined || name.length === 0) return connectorName;
    return knownSystems[name] ?? name;
  }
}
