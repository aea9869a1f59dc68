import { randomUUID } from "node:crypto";
import type { ChannelModel, ConfirmChannel, Options } from "amqplib";
import type { QueueSettings } from "./config.js";

/** Declares the queue durable (and its exchange and bindings) on a channel of its own. */
export async function declareQueue(model: ChannelModel, settings: QueueSettings): Promise<void> {
  // A refused declaration (406: the queue exists with other arguments) closes its channel:
  // a throwaway one keeps the consumer's and the publisher's channels alive.
  const channel = await model.createChannel();
  channel.on("error", () => {});
  try {
    const typeArgument = settings.queueType === "quorum" ? { "x-queue-type": "quorum" } : {};
    await channel.assertQueue(settings.queue, {
      durable: true,
      arguments: { ...typeArgument, ...settings.queueArguments },
    });
    if (settings.exchange !== undefined) {
      await channel.assertExchange(settings.exchange, settings.exchangeType, { durable: true });
      for (const key of settings.bindingKeys) {
        await channel.bindQueue(settings.queue, settings.exchange, key);
      }
    }
  } finally {
    await channel.close().catch(() => {});
  }
}

/** The AMQP reply code of a broker error (406 PRECONDITION_FAILED, 404 NOT_FOUND, ...). */
export function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * Publishes on one confirm channel of a connection and resolves once the broker confirmed:
 * the message is in the queue (persistent messages on disk). `mandatory` publishes that no
 * queue takes come back as `basic.return` before their confirm, and reject.
 */
export class ConfirmedPublisher {
  private channel: Promise<ConfirmChannel> | undefined;
  /** Message ids the broker returned as unroutable, until their confirm comes. */
  private readonly returned = new Set<string>();

  constructor(private readonly model: ChannelModel) {}

  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    const channel = await this.open();
    const messageId = randomUUID();
    await new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, content, { ...options, messageId }, (error) => {
        if (error) reject(toError(error, "the broker refused the message"));
        else if (this.returned.delete(messageId)) {
          reject(
            new Error(
              `no queue took the message: exchange "${exchange || "(default)"}" routes routing key "${routingKey}" nowhere`,
            ),
          );
        } else resolve();
      });
    });
  }

  private open(): Promise<ConfirmChannel> {
    this.channel ??= this.model.createConfirmChannel().then(
      (channel) => {
        channel.on("error", () => {});
        channel.on("close", () => {
          this.channel = undefined;
        });
        channel.on("return", (message) => {
          const id = message.properties.messageId;
          if (typeof id === "string") this.returned.add(id);
        });
        return channel;
      },
      (error: unknown) => {
        this.channel = undefined;
        throw error;
      },
    );
    return this.channel;
  }
}

function toError(error: unknown, fallback: string): Error {
  return error instanceof Error ? error : new Error(fallback);
}
