// RabbitMQ consume throughput on pre-filled durable queues (100-byte persistent messages):
// romeways with @romeways/connector-amqp (prefetch, a basic.ack per message after its outcome)
// against a bare amqplib consumer on one channel with the same prefetch, acknowledging each
// message once handled. Each run consumes a queue of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import "@romeways/connector-amqp";
import { connect } from "amqplib";
import { startAmqpServer } from "../../scripts/amqp/server.mjs";
import { body, brokerThroughput } from "./broker-throughput.js";

const maxChunkSize = 100;
// What the connector asks for by default: twice maxChunkSize.
const prefetch = 2 * maxChunkSize;

/** Each run is the name of a classic durable queue. */
export const amqpThroughput = brokerThroughput<string>({
  name: "amqp-throughput",
  description: "RabbitMQ, 100-byte persistent messages: romeways against a bare amqplib consumer",
  label: "amqp",
  total: { quick: 2_000, full: 20_000 },
  runs: 5,
  env: "AMQP_URL",
  start: (log) => startAmqpServer({ log }),
  plan: `a fresh classic queue per run, prefetch ${prefetch}`,
  case: `chunk ${maxChunkSize}, prefetch ${prefetch}, ack per message`,
  baselineName: "bare amqplib: consume, prefetch, ack each",
  note: "a classic durable queue, persistent messages",
  async connect(url) {
    const admin = await connect(url);
    return {
      async fill(total) {
        const queue = `bench-${randomUUID().slice(0, 8)}`;
        const channel = await admin.createConfirmChannel();
        await channel.assertQueue(queue, { durable: true });
        for (let i = 0; i < total; i++) {
          channel.sendToQueue(queue, Buffer.from(body(i)), { persistent: true });
          if (i % 1_000 === 999) await channel.waitForConfirms();
        }
        await channel.waitForConfirms();
        await channel.close();
        return queue;
      },
      consume(romeways, queue, handle) {
        romeways.queueConsumer(
          queue,
          { connectorName: "amqp", frequency: 0, maxChunkSize, sequential: false },
          handle,
        );
        romeways.connectorRegister({ connector: "amqp", config: { connectorName: "amqp", url } });
      },
      async bare(queue, stopwatch) {
        const model = await connect(url);
        try {
          const channel = await model.createChannel();
          await channel.prefetch(prefetch);
          await channel.consume(queue, (message) => {
            if (message === null) return;
            void stopwatch.handle(message).then(() => channel.ack(message));
          });
          await stopwatch.result();
        } finally {
          await model.close();
        }
      },
      async remove(queue) {
        const channel = await admin.createChannel();
        await channel.deleteQueue(queue);
        await channel.close();
      },
      close: () => admin.close(),
    };
  },
});
