import type { RawMessage } from "@romeways/core";
import type { ConsumeMessage, Options } from "amqplib";
import type { AmqpRawMessage } from "./amqp-message.js";
import type { AmqpQueueType } from "./config.js";

/** The AMQP header that carries a message's key: a string as text, bytes as a byte array. */
export const keyHeader = "x-romeways-key";
// Set by the broker on quorum queues; a resend is a new message, so it must not carry it along.
const deliveryCountHeader = "x-delivery-count";

/** The body and properties that publish `message`: persistent, its headers as AMQP headers. */
export function publishedForm(message: RawMessage): { content: Buffer; options: Options.Publish } {
  const headers: Record<string, unknown> = { ...message.headers };
  if (message.key !== undefined) {
    headers[keyHeader] = typeof message.key === "string" ? message.key : toBuffer(message.key);
  }
  return {
    content: message.body === null ? Buffer.alloc(0) : toBuffer(message.body),
    options: { persistent: true, headers, mandatory: true },
  };
}

/** The routing key of `message` through an exchange: its key as text, else the queue name. */
export function routingKeyOf(message: RawMessage, queue: string): string {
  if (message.key === undefined) return queue;
  return typeof message.key === "string" ? message.key : Buffer.from(message.key).toString("utf8");
}

/** What core and handlers see of a delivery. */
export function deliveredForm(
  delivery: ConsumeMessage,
  queue: string,
  queueType: AmqpQueueType,
): AmqpRawMessage {
  const { fields, properties, content } = delivery;
  const headers: Record<string, string> = {};
  let key: Uint8Array | string | undefined;
  let deliveryCount: number | undefined;
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (name === keyHeader) key = typeof value === "string" ? value : copyBytes(value);
    else if (name === deliveryCountHeader) deliveryCount = Number(value);
    else if (value !== undefined) headers[name] = headerText(value);
  }
  if (queueType === "quorum") deliveryCount ??= 0;
  const message: AmqpRawMessage = {
    body: content,
    headers,
    queue,
    exchange: fields.exchange,
    routingKey: fields.routingKey,
    redelivered: fields.redelivered,
    deliveryCount,
    properties,
  };
  if (key !== undefined) message.key = key;
  return message;
}

/** Header values from other publishers may be numbers, tables or bytes: core's headers are text. */
function headerText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function copyBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  return new TextEncoder().encode(String(value));
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
