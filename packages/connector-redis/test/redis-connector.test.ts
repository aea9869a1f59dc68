// What the Redis connector does beyond the contract: claims, renewal, hand-back, waking.
import { performance } from "node:perf_hooks";
import { RedisQueueConnector } from "@romeways/connector-redis";
import { createRomeways } from "@romeways/core";
import { nextEvent } from "@romeways/testing";
import { describe, expect, test } from "vitest";
import { startRedisServer } from "../../../scripts/redis/server.mjs";
import { CrashableRedisConnector } from "./crashable-connector.js";
import {
  bytes,
  connectorConfig,
  pendingByConsumer,
  queueConfig,
  redis,
  redisUrl,
  startedConnector,
  take,
  testStream,
  text,
  waitUntil,
} from "./redis-test-kit.js";

const handedBack = "romeways:handed-back";

async function consumers(stream: string, group: string): Promise<string[]> {
  const infos = (await redis().xinfo("CONSUMERS", stream, group)) as string[][];
  return infos.map((info) => String(info[info.indexOf("name") + 1]));
}

describe("Redis Streams connector", () => {
  test("a crashed consumer's messages go to another consumer once claimIdleMs has passed", async () => {
    const stream = testStream();
    const crashed = new CrashableRedisConnector(redisUrl(), stream.stream);
    await crashed.start();
    await crashed.sendMessage({ body: bytes("held by the dead") });
    const [held] = await take(crashed, 1, { ack: false });
    const takenAt = performance.now();
    await crashed.crash();
    // CrashableRedisConnector's group and claimIdleMs (1 s).
    const survivor = await startedConnector(
      { stream: stream.stream, group: `${stream.stream}-group` },
      { claimIdleMs: 1_000 },
    );
    const [claimed] = await take(survivor, 1);
    const waitedMs = performance.now() - takenAt;
    console.log(
      `[redis] a crashed consumer's message was claimed ${waitedMs.toFixed(0)} ms after it was taken`,
    );
    expect(text(claimed as never)).toBe("held by the dead");
    expect(claimed?.id).toBe(held?.id);
    expect(waitedMs).toBeGreaterThanOrEqual(1_000);
    // Its connections are gone for good: it cannot hand anything back, and says so.
    await expect(crashed.stop()).rejects.toThrow();
  });

  test("a consumer whose handler runs past claimIdleMs keeps its messages: it renews them", async () => {
    const stream = testStream();
    const slow = await startedConnector(stream, { claimIdleMs: 600 });
    const other = await startedConnector(stream, { claimIdleMs: 600 });
    await slow.sendMessage({ body: bytes("slow") });
    await take(slow, 1, { ack: false });
    // Three claim periods: without renewal, `other` would claim it within the first.
    const stolen = await other.getMessages(10, AbortSignal.timeout(1_800));
    expect(stolen).toEqual([]);
    expect(await pendingByConsumer(stream.stream, stream.group)).toEqual(
      new Map([[expect.stringContaining(`-${process.pid}-`), 1]]),
    );
  });

  test("stop() hands what it took and did not acknowledge to the group, and a starting consumer takes it at once", async () => {
    const stream = testStream();
    const first = await startedConnector(stream);
    for (const body of ["a", "b", "c"]) await first.sendMessage({ body: bytes(body) });
    const taken = await take(first, 3, { ack: false });
    await first.ack(taken.slice(0, 1));
    await first.stop();
    expect(await pendingByConsumer(stream.stream, stream.group)).toEqual(
      new Map([[handedBack, 2]]),
    );
    // The stopped consumer's generated name is gone from the group.
    expect(await consumers(stream.stream, stream.group)).toEqual([handedBack]);

    // claimIdleMs is a minute, yet the handed-back messages come on the first poll.
    const next = await startedConnector(stream, { claimIdleMs: 60_000 });
    const started = performance.now();
    const again = await take(next, 2);
    expect(again.map(text).sort()).toEqual(["b", "c"]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("a consumer restarted under the same name takes back its own pending messages first", async () => {
    const stream = testStream();
    const before = new CrashableRedisConnector(redisUrl(), stream.stream);
    await before.start();
    await before.sendMessage({ body: bytes("mine") });
    await take(before, 1, { ack: false });
    const [name] = [...(await pendingByConsumer(stream.stream, `${stream.stream}-group`)).keys()];
    await before.crash();
    const after = await startedConnector(
      { stream: stream.stream, group: `${stream.stream}-group` },
      { consumer: name as string, claimIdleMs: 60_000 },
    );
    expect((await take(after, 1)).map(text)).toEqual(["mine"]);
    await expect(before.stop()).rejects.toThrow();
  });

  test("an aborted poll leaves no read blocked on the server", async () => {
    const stream = testStream();
    const connector = await startedConnector(stream, { blockMs: 60_000 });
    const blockedClients = async () =>
      String(await redis().call("CLIENT", "LIST"))
        .split("\n")
        .filter((line) => / flags=\w*b/.test(line) && line.includes("cmd=xreadgroup")).length;
    const controller = new AbortController();
    const poll = connector.getMessages(10, controller.signal);
    await waitUntil("the read blocks on the server", async () => (await blockedClients()) === 1, {
      intervalMs: 10,
    });
    const abortedAt = performance.now();
    controller.abort();
    expect(await poll).toEqual([]);
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(await blockedClients()).toBe(0);
    await connector.sendMessage({ body: bytes("after the abort") });
    expect((await take(connector, 1)).map(text)).toEqual(["after the abort"]);
  });

  test("entries written by another program reach the handler as the JSON text of their fields", async () => {
    const stream = testStream();
    const connector = await startedConnector(stream);
    await redis().xadd(stream.stream, "*", "order", "42", "state", "paid");
    expect((await take(connector, 1)).map(text)).toEqual(['{"order":"42","state":"paid"}']);
  });

  test("sends trim the stream with MAXLEN ~ when maxLength is set", async () => {
    const stream = testStream();
    const producer = new RedisQueueConnector(
      connectorConfig({ maxLength: 100 }),
      queueConfig(stream),
      stream.stream,
    );
    for (let i = 0; i < 1_000; i++) await producer.sendMessage({ body: bytes(`m${i}`) });
    await producer.stop();
    const length = await redis().xlen(stream.stream);
    console.log(`[redis] 1000 sends with maxLength 100 left ${length} entries`);
    expect(length).toBeLessThan(1_000);
    expect(length).toBeGreaterThanOrEqual(100);
  });

  test("a lost Redis is reported as a connector:error while the app runs", async () => {
    const server = await startRedisServer({ log: () => {} });
    const stream = testStream();
    const app = createRomeways({
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      handleSignals: false,
    });
    app.connectorRegister({
      connector: RedisQueueConnector,
      config: { connectorName: "lost", url: server.url, retryStrategy: () => 200 },
    });
    app.queueConsumer(stream.stream, { connectorName: "lost", group: stream.group }, () => {});
    await app.start();
    try {
      const reported = nextEvent(app, "connector:error", { timeoutMs: 10_000 });
      await server.stop();
      const { phase, error } = await reported;
      console.log(`[redis] a stopped server was reported in phase ${phase}: ${error.message}`);
      expect(["poll", "background"]).toContain(phase);
    } finally {
      await app.stop();
    }
  });
});
