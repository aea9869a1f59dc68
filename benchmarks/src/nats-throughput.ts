// NATS JetStream consume throughput on pre-filled streams (100-byte messages): romeways with
// @romeways/connector-nats (no_wait pulls then expires long polls, +ACK per message and a
// flush per chunk, working() for held messages) against a bare loop of the official client
// (@nats-io/jetstream: consumer.fetch() of a chunk, m.ack() per message). Each run consumes a
// stream and durable consumer of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import "@romeways/connector-nats";
import { startNatsServer } from "../../scripts/nats/server.mjs";
import { body, brokerThroughput } from "./broker-throughput.js";

const maxChunkSize = 100;

/** A stream on its own subject, and its durable consumer at the start. */
interface Run {
  subject: string;
  stream: string;
  group: string;
}

export const natsThroughput = brokerThroughput<Run>({
  name: "nats-throughput",
  description:
    "NATS JetStream, 100-byte messages: romeways against a bare @nats-io/jetstream fetch/ack loop",
  label: "nats",
  total: { quick: 2_000, full: 50_000 },
  runs: 7,
  env: "NATS_URL",
  start: (log) => startNatsServer({ log }),
  plan: `a fresh stream per run, chunk ${maxChunkSize}`,
  case: `chunk ${maxChunkSize}, ack per message`,
  baselineName: "bare @nats-io/jetstream: consumer.fetch, m.ack()",
  note: "both pull a chunk at a time (max_ack_pending 1,000)",
  async connect(url) {
    const nc = await connect({ servers: url });
    return {
      async fill(total) {
        const subject = `bench-${randomUUID().slice(0, 8)}`;
        const stream = subject;
        const group = `${subject}-group`;
        const jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: stream, subjects: [subject] });
        const js = jetstream(nc);
        for (let start = 0; start < total; start += 1_000) {
          const acks = [];
          for (let i = start; i < Math.min(total, start + 1_000); i++) {
            acks.push(js.publish(subject, body(i)));
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
      },
      consume(romeways, { subject, group }, handle) {
        romeways.queueConsumer(
          subject,
          { connectorName: "nats", frequency: 0, maxChunkSize, sequential: false, group },
          handle,
        );
        romeways.connectorRegister({
          connector: "nats",
          config: { connectorName: "nats", servers: url },
        });
      },
      async bare({ stream, group }, stopwatch) {
        const client = await connect({ servers: url });
        try {
          const consumer = await jetstream(client).consumers.get(stream, group);
          let handled = 0;
          while (handled < stopwatch.total) {
            const messages = await consumer.fetch({ max_messages: maxChunkSize, expires: 1_000 });
            const chunk = [];
            for await (const m of messages) chunk.push(m);
            await Promise.all(chunk.map((m) => stopwatch.handle(m)));
            for (const m of chunk) m.ack();
            handled += chunk.length;
          }
        } finally {
          await client.close();
        }
      },
      async remove({ stream }) {
        await (await jetstreamManager(nc)).streams.delete(stream);
      },
      close: () => nc.close(),
    };
  },
});
