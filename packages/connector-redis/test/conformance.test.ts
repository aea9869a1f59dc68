// The connector conformance suite of @romeways/testing, on the real server: each queue is a
// fresh stream, and the instances of one queue are consumers of one group.
import { fileURLToPath } from "node:url";
import { testConnector } from "@romeways/testing";
import { describe, test } from "vitest";
import { CrashableRedisConnector } from "./crashable-connector.js";
import { redis, redisUrl } from "./redis-test-kit.js";

testConnector({
  describe,
  test,
  name: "RedisQueueConnector",
  durable: true,
  connector: (queueName) => new CrashableRedisConnector(redisUrl(), queueName),
  removeQueue: async (queueName) => {
    await redis().del(queueName);
  },
  // A live instance renews what it holds: only cut connections let another consumer claim it.
  crash: (connector) => connector.crash(),
  workers: {
    entry: fileURLToPath(new URL("./fixtures/conformance-app.ts", import.meta.url)),
    env: { REDIS_URL: redisUrl() },
  },
  timeoutMs: 20_000,
});
