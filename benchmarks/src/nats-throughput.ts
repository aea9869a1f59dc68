// NATS JetStream consume throughput on pre-filled streams (100-byte messages): romeways with
// @romeways/connector-nats (no_wait pulls then expires long polls, +ACK per message and a
// flush per chunk, working() for held messages) against a bare loop of the official client
// (@nats-io/jetstream: consumer.fetch() of a chunk, m.ack() per message). Each run consumes a
// stream and durable consumer of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import "@romeways/connector-nats";
import { createRomeways } from "@romeways/core";
import { type NatsServer, startNatsServer } from "../../scripts/nats/server.mjs";
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

/** A fresh stream of `total` messages and its durable consumer at the start; deleted after the run. */
async function fill(
  nc: NatsConnection,
  total: number,
): Promise<{ subject: string; stream: string; group: string }> {
  const subject = `bench-${randomUUID().slice(0, 8)}`;
  const stream = subject;
  const group = `${subject}-group`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [subject] });
  const js: JetStreamClient = jetstream(nc);
  for (let start = 0; start < total; start += 1_000) {
    const acks = [];
    for (let i = start; i < Math.min(total, start + 1_000); i++) {
      acks.push(js.publish(subject, String(i).padStart(10, "0").padEnd(100, "x")));
    }
    await Promise.all(acks);
  }
  await jsm.consumers.add(stream, {
    durable_name: group,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: subject,
    max_deliver: -1,
    ack_wait: 30_000_000_000,
    max_ack_pending: 1_000,
  });
  return { subject, stream, group };
}

async function removeStream(nc: NatsConnection, stream: string): Promise<void> {
  await (await jetstreamManager(nc)).streams.delete(stream);
}

async function throughRomeways(url: string, nc: NatsConnection, total: number): Promise<number> {
  const { subject, stream, group } = await fill(nc, total);
  const stopwatch = new Stopwatch(total);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    subject,
    { connectorName: "nats", frequency: 0, maxChunkSize, sequential: false, group },
    stopwatch.handle,
  );
  romeways.connectorRegister({
    connector: "nats",
    config: { connectorName: "nats", servers: url },
  });
  await romeways.start();
  try {
    return await stopwatch.result();
  } finally {
    await romeways.stop();
    await removeStream(nc, stream);
  }
}

async function throughBareJetStream(
  url: string,
  nc: NatsConnection,
  total: number,
): Promise<number> {
  const { stream, group } = await fill(nc, total);
  const stopwatch = new Stopwatch(total);
  const client = await connect({ servers: url });
  try {
    const consumer = await jetstream(client).consumers.get(stream, group);
    let handled = 0;
    while (handled < total) {
      const messages = await consumer.fetch({ max_messages: maxChunkSize, expires: 1_000 });
      const chunk = [];
      for await (const m of messages) chunk.push(m);
      await Promise.all(chunk.map((m) => stopwatch.handle(m)));
      for (const m of chunk) m.ack();
      handled += chunk.length;
    }
    return await stopwatch.result();
  } finally {
    await client.close();
    await removeStream(nc, stream);
  }
}

export const natsThroughput: Benchmark = {
  name: "nats-throughput",
  description:
    "NATS JetStream, 100-byte messages: romeways against a bare @nats-io/jetstream fetch/ack loop",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 2_000 : 50_000;
    const runs = context.quick ? 1 : 7;
    let server: NatsServer | undefined;
    let url = process.env.NATS_URL ?? "";
    if (url === "") {
      server = await startNatsServer({ log: (line) => context.log(`[nats] ${line}`) });
      url = server.url;
    }
    const nc = await connect({ servers: url });
    try {
      context.log(
        `${runs} runs each of ${total} messages, a fresh stream per run, chunk ${maxChunkSize}`,
      );
      const result = await paired(
        runs,
        context.quick ? 0 : 1,
        () => throughBareJetStream(url, nc, total),
        () => throughRomeways(url, nc, total),
      );
      return [
        comparedRow(
          {
            benchmark: "nats-throughput",
            case: `${total.toLocaleString("en-US")} × 100 B, chunk ${maxChunkSize}, ack per message`,
            metric: "msg/s",
            better: "higher",
            baselineName: "bare @nats-io/jetstream: consumer.fetch, m.ack()",
            target: "ratio >= 0.8",
            note: "msg/s from the first message handled to the last; both pull a chunk at a time (max_ack_pending 1,000)",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      await nc.close();
      await server?.stop();
    }
  },
};
