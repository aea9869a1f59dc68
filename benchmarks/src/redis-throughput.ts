// Redis Streams consume throughput on pre-filled streams (100-byte messages): romeways with
// @romeways/connector-redis (blocking XREADGROUP, XACK after the outcome, renewal of held
// entries) against a bare ioredis loop on one connection doing the same XREADGROUP and XACK.
// Each run consumes a stream and group of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import "@romeways/connector-redis";
import { Redis } from "ioredis";
import { startRedisServer } from "../../scripts/redis/server.mjs";
import { body, brokerThroughput } from "./broker-throughput.js";

const maxChunkSize = 100;

/** A stream and its group, at the start. */
interface Run {
  stream: string;
  group: string;
}

export const redisThroughput = brokerThroughput<Run>({
  name: "redis-throughput",
  description:
    "Redis Streams, 100-byte messages: romeways against a bare ioredis XREADGROUP/XACK loop",
  label: "redis",
  total: { quick: 2_000, full: 50_000 },
  runs: 7,
  env: "REDIS_URL",
  start: (log) => startRedisServer({ log }),
  plan: `a fresh stream per run, chunk ${maxChunkSize}`,
  case: `chunk ${maxChunkSize}, XACK per chunk`,
  baselineName: "bare ioredis: XREADGROUP BLOCK, XACK",
  note: "both read and acknowledge a chunk at a time",
  async connect(url) {
    const redis = new Redis(url, { protocol: 2 });
    return {
      async fill(total) {
        const stream = `bench-${randomUUID().slice(0, 8)}`;
        const group = `${stream}-group`;
        for (let start = 0; start < total; start += 1_000) {
          const pipeline = redis.pipeline();
          for (let i = start; i < Math.min(total, start + 1_000); i++) {
            pipeline.xadd(stream, "*", "body", body(i));
          }
          await pipeline.exec();
        }
        await redis.xgroup("CREATE", stream, group, "0");
        return { stream, group };
      },
      consume(romeways, { stream, group }, handle) {
        romeways.queueConsumer(
          stream,
          { connectorName: "redis", frequency: 0, maxChunkSize, sequential: false, group },
          handle,
        );
        romeways.connectorRegister({ connector: "redis", config: { connectorName: "redis", url } });
      },
      async bare({ stream, group }, stopwatch) {
        const client = new Redis(url, { protocol: 2 });
        try {
          let handled = 0;
          while (handled < stopwatch.total) {
            const reply = (await client.xreadgroupBuffer(
              "GROUP",
              group,
              "bench",
              "COUNT",
              maxChunkSize,
              "BLOCK",
              1_000,
              "STREAMS",
              stream,
              ">",
            )) as [Buffer, [Buffer, Buffer[]][]][] | null;
            const entries = reply?.[0]?.[1] ?? [];
            await Promise.all(entries.map((entry) => stopwatch.handle(entry)));
            if (entries.length > 0) await client.xack(stream, group, ...entries.map(([id]) => id));
            handled += entries.length;
          }
        } finally {
          client.disconnect();
        }
      },
      async remove({ stream }) {
        await redis.del(stream);
      },
      async close() {
        redis.disconnect();
      },
    };
  },
});
