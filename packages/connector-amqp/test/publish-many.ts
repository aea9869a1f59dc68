// Fills a queue fast with a bare amqplib confirm channel: payloads "id-0", "id-1", ...
import { connect } from "amqplib";

export async function publishMany(
  url: string,
  queue: string,
  count: number,
  queueType: "classic" | "quorum",
  prefix = "id-",
): Promise<void> {
  const model = await connect(url);
  try {
    const channel = await model.createConfirmChannel();
    await channel.assertQueue(queue, {
      durable: true,
      arguments: queueType === "quorum" ? { "x-queue-type": "quorum" } : {},
    });
    for (let i = 0; i < count; i++) {
      channel.sendToQueue(queue, Buffer.from(`${prefix}${i}`), { persistent: true });
    }
    await channel.waitForConfirms();
  } finally {
    await model.close();
  }
}
