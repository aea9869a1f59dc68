// RabbitMQ consume throughput on pre-filled durable queues (100-byte persistent messages):
// romeways with @romeways/connector-amqp (prefetch, a basic.ack per message after its outcome)
// against a bare amqplib consumer on one channel with the same prefetch, acknowledging each
// message once handled. Each run consumes a queue of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import "@romeways/connector-amqp";
import { createRomeways } from "@romeways/core";
import { type ChannelModel, connect } from "amqplib";
import { type AmqpServer, startAmqpServer } from "../../scripts/amqp/server.mjs";
import { silentLogger } from "./silent-logger.js";
import {
  type BenchContext,
  type Benchmark,
  comparedRow,
  paired,
  type ResultRow,
  within,
} from "./stats.js";

const maxChunkSize = 100;
// What the connector asks for by default: twice maxChunkSize.
const prefetch = 2 * maxChunkSize;

/** Resolves with msg/s from the first message handled to the `total`-th. */
class Stopwatch {
  private firstAt = 0;
  private count = 0;
  private finish: (rate: number) => void = () => {};
  readonly done = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(private readonly total: number) {}

  handle = async (_message: unknown): Promise<void> => {
    if (this.count === 0) this.firstAt = performance.now();
    if (++this.count === this.total) {
      this.finish((this.total - 1) / ((performance.now() - this.firstAt) / 1000));
    }
  };

  result(): Promise<number> {
    return within(this.done, 120_000, () => `${this.count} of ${this.total} messages within 120 s`);
  }
}

/** A fresh classic durable queue holding `total` persistent messages, deleted after the run. */
async function fill(admin: ChannelModel, total: number): Promise<string> {
  const queue = `bench-${randomUUID().slice(0, 8)}`;
  const channel = await admin.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  for (let i = 0; i < total; i++) {
    channel.sendToQueue(queue, Buffer.from(String(i).padStart(10, "0").padEnd(100, "x")), {
      persistent: true,
    });
    if (i % 1_000 === 999) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  await channel.close();
  return queue;
}

async function remove(admin: ChannelModel, queue: string): Promise<void> {
  const channel = await admin.createChannel();
  await channel.deleteQueue(queue);
  await channel.close();
}

async function throughRomeways(url: string, admin: ChannelModel, total: number): Promise<number> {
  const queue = await fill(admin, total);
  const stopwatch = new Stopwatch(total);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    queue,
    { connectorName: "amqp", frequency: 0, maxChunkSize, sequential: false },
    stopwatch.handle,
  );
  romeways.connectorRegister({ connector: "amqp", config: { connectorName: "amqp", url } });
  await romeways.start();
  try {
    return await stopwatch.result();
  } finally {
    await romeways.stop();
    await remove(admin, queue);
  }
}

async function throughBareAmqplib(
  url: string,
  admin: ChannelModel,
  total: number,
): Promise<number> {
  const queue = await fill(admin, total);
  const stopwatch = new Stopwatch(total);
  const model = await connect(url);
  try {
    const channel = await model.createChannel();
    await channel.prefetch(prefetch);
    await channel.consume(queue, (message) => {
      if (message === null) return;
      void stopwatch.handle(message).then(() => channel.ack(message));
    });
    return await stopwatch.result();
  } finally {
    await model.close();
    await remove(admin, queue);
  }
}

export const amqpThroughput: Benchmark = {
  name: "amqp-throughput",
  description: "RabbitMQ, 100-byte persistent messages: romeways against a bare amqplib consumer",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 2_000 : 20_000;
    const runs = context.quick ? 1 : 5;
    let server: AmqpServer | undefined;
    let url = process.env.AMQP_URL ?? "";
    if (url === "") {
      server = await startAmqpServer({ log: (line) => context.log(`[amqp] ${line}`) });
      url = server.url;
    }
    const admin = await connect(url);
    try {
      context.log(
        `${runs} runs each of ${total} messages, a fresh classic queue per run, prefetch ${prefetch}`,
      );
      const result = await paired(
        runs,
        context.quick ? 0 : 1,
        () => throughBareAmqplib(url, admin, total),
        () => throughRomeways(url, admin, total),
      );
      return [
        comparedRow(
          {
            benchmark: "amqp-throughput",
            case: `${total.toLocaleString("en-US")} × 100 B, chunk ${maxChunkSize}, prefetch ${prefetch}, ack per message`,
            metric: "msg/s",
            better: "higher",
            baselineName: "bare amqplib: consume, prefetch, ack each",
            target: "ratio >= 0.8",
            note: "msg/s from the first message handled to the last; a classic durable queue, persistent messages",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      await admin.close();
      await server?.stop();
    }
  },
};
