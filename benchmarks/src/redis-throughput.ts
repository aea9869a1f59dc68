// Redis Streams consume throughput on pre-filled streams (100-byte messages): romeways with
// @romeways/connector-redis (blocking XREADGROUP, XACK after the outcome, renewal of held
// entries) against a bare ioredis loop on one connection doing the same XREADGROUP and XACK.
// Each run consumes a stream and group of its own, filled before the clock starts.
import { randomUUID } from "node:crypto";
import "@romeways/connector-redis";
import { createRomeways } from "@romeways/core";
import { Redis } from "ioredis";
import { type RedisServer, startRedisServer } from "../../scripts/redis/server.mjs";
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

/** A fresh stream of `total` entries (with its group at the start), deleted after the run. */
async function fill(redis: Redis, total: number): Promise<{ stream: string; group: string }> {
  const stream = `bench-${randomUUID().slice(0, 8)}`;
  const group = `${stream}-group`;
  for (let start = 0; start < total; start += 1_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(total, start + 1_000); i++) {
      pipeline.xadd(stream, "*", "body", String(i).padStart(10, "0").padEnd(100, "x"));
    }
    await pipeline.exec();
  }
  await redis.xgroup("CREATE", stream, group, "0");
  return { stream, group };
}

async function throughRomeways(url: string, redis: Redis, total: number): Promise<number> {
  const { stream, group } = await fill(redis, total);
  const stopwatch = new Stopwatch(total);
  const romeways = createRomeways({ logger: silentLogger, handleSignals: false });
  romeways.queueConsumer(
    stream,
    { connectorName: "redis", frequency: 0, maxChunkSize, sequential: false, group },
    stopwatch.handle,
  );
  romeways.connectorRegister({ connector: "redis", config: { connectorName: "redis", url } });
  await romeways.start();
  try {
    return await stopwatch.result();
  } finally {
    await romeways.stop();
    await redis.del(stream);
  }
}

async function throughBareIoredis(url: string, redis: Redis, total: number): Promise<number> {
  const { stream, group } = await fill(redis, total);
  const stopwatch = new Stopwatch(total);
  const client = new Redis(url, { protocol: 2 });
  try {
    let handled = 0;
    while (handled < total) {
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
    return await stopwatch.result();
  } finally {
    client.disconnect();
    await redis.del(stream);
  }
}

export const redisThroughput: Benchmark = {
  name: "redis-throughput",
  description:
    "Redis Streams, 100-byte messages: romeways against a bare ioredis XREADGROUP/XACK loop",
  async run(context: BenchContext): Promise<ResultRow[]> {
    const total = context.quick ? 2_000 : 50_000;
    const runs = context.quick ? 1 : 7;
    let server: RedisServer | undefined;
    let url = process.env.REDIS_URL ?? "";
    if (url === "") {
      server = await startRedisServer({ log: (line) => context.log(`[redis] ${line}`) });
      url = server.url;
    }
    const redis = new Redis(url, { protocol: 2 });
    try {
      context.log(
        `${runs} runs each of ${total} messages, a fresh stream per run, chunk ${maxChunkSize}`,
      );
      const result = await paired(
        runs,
        context.quick ? 0 : 1,
        () => throughBareIoredis(url, redis, total),
        () => throughRomeways(url, redis, total),
      );
      return [
        comparedRow(
          {
            benchmark: "redis-throughput",
            case: `${total.toLocaleString("en-US")} × 100 B, chunk ${maxChunkSize}, XACK per chunk`,
            metric: "msg/s",
            better: "higher",
            baselineName: "bare ioredis: XREADGROUP BLOCK, XACK",
            target: "ratio >= 0.8",
            note: "msg/s from the first message handled to the last; both read and acknowledge a chunk at a time",
          },
          result.romeways,
          result.baseline,
        ),
      ];
    } finally {
      redis.disconnect();
      await server?.stop();
    }
  },
};
