import assert from "node:assert/strict";
import type { ConnectorPromise } from "./conformance.js";
import { bodyText, bytes } from "./message-bytes.js";

const startsAtTheEndHint =
  "a message sent to a queue whose consumer never ran did not reach its first consumer. A consumer group created at the end of the stream (Kafka's 'latest', Redis' `$`) loses every dead letter sent before the dead-letter queue's first consumer starts: create it at the beginning (Kafka: fromBeginning: true; Redis: XGROUP CREATE ... 0)";

/** What is sent is delivered: chunk sizes, order, no loss, no crossing between queues. */
export const deliveryPromises: ConnectorPromise[] = [
  {
    area: "delivery",
    name: "a poll returns at most maxChunkSize messages",
    async run(s) {
      const queue = await s.newQueue();
      const consumer = await s.consumer(queue);
      const sent = Array.from({ length: 25 }, (_, i) => `m${i}`);
      await s.send(consumer, ...sent);
      const chunkSizes: number[] = [];
      const taken = await s.take(consumer, sent.length, {
        maxChunkSize: 4,
        onChunk: (chunk) => chunkSizes.push(chunk.length),
      });
      assert.ok(Math.max(...chunkSizes) <= 4, `chunk sizes ${chunkSizes.join(", ")} exceed 4`);
      assert.deepEqual(taken.map(bodyText).sort(), [...sent].sort());
      // A queue of its own: on Kafka a second group member may get no partition of the first.
      const one = await s.consumer(await s.newQueue());
      await s.send(one, "a", "b");
      const single = await s.take(one, 2, {
        maxChunkSize: 1,
        onChunk: (c) => assert.ok(c.length <= 1),
      });
      assert.equal(single.length, 2);
    },
  },
  {
    area: "delivery",
    name: "messages come back in the order they were sent",
    appliesTo: (c) => c.ordered,
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await s.send(consumer, ...sent);
      const taken = await s.take(consumer, sent.length, { maxChunkSize: 7 });
      assert.deepEqual(taken.map(bodyText), sent);
    },
  },
  {
    area: "delivery",
    name: ({ manyMessages }) =>
      `nothing is lost or delivered twice when two instances poll ${manyMessages} messages concurrently`,
    async run(s, { manyMessages }) {
      const queue = await s.newQueue();
      const instances = [await s.consumer(queue), await s.consumer(queue)];
      const counts = new Map<string, number>();
      const done = new AbortController();
      const signal = AbortSignal.any([done.signal, AbortSignal.timeout(s.waitMs)]);
      const pollers = instances.map(async (connector) => {
        while (!signal.aborted) {
          const chunk = await connector.getMessages(50, signal);
          for (const body of chunk.map(bodyText)) counts.set(body, (counts.get(body) ?? 0) + 1);
          if (chunk.length > 0) await connector.ack(chunk);
          if (counts.size === manyMessages) done.abort();
        }
      });
      // Sent while both instances wait, in concurrent batches as a busy producer would.
      const producer = await s.producer(queue);
      for (let start = 0; start < manyMessages; start += 100) {
        const batch = Array.from({ length: Math.min(100, manyMessages - start) }, (_, i) =>
          producer.sendMessage({ body: bytes(`m${start + i}`) }),
        );
        await Promise.all(batch);
      }
      await Promise.all(pollers);
      assert.equal(counts.size, manyMessages, `received ${counts.size} of ${manyMessages}`);
      const twice = [...counts].filter(([, n]) => n > 1).map(([body]) => body);
      assert.deepEqual(twice, [], "messages delivered to two polls");
    },
  },
  {
    area: "delivery",
    name: "a queue delivers only what was sent to it",
    async run(s) {
      const [first, second] = [await s.newQueue(), await s.newQueue()];
      const firstConsumer = await s.consumer(first);
      const secondConsumer = await s.consumer(second);
      await s.send(firstConsumer, "for the first queue");
      await s.send(secondConsumer, "for the second queue");
      assert.deepEqual(await s.takeUntil(secondConsumer, "for the second queue"), [
        "for the second queue",
      ]);
      assert.deepEqual((await s.take(firstConsumer, 1)).map(bodyText), ["for the first queue"]);
    },
  },
  {
    area: "delivery",
    name: "an instance that was never started can send (core sends dead letters this way)",
    async run(s) {
      const queue = await s.newQueue();
      const consumer = await s.consumer(queue);
      const sendOnly = await s.producer(queue);
      await s.send(sendOnly, "dead letter");
      await s.stop(sendOnly);
      assert.deepEqual((await s.take(consumer, 1)).map(bodyText), ["dead letter"]);
    },
  },
  {
    area: "delivery",
    name: "a message sent before any consumer of its queue ever started reaches the first consumer",
    async run(s) {
      const queue = await s.newQueue();
      // The order of a dead-letter queue's life: core sends to it long before anyone consumes it.
      const sendOnly = await s.producer(queue);
      await s.send(sendOnly, "sent before any consumer");
      await s.stop(sendOnly);
      const first = await s.consumer(queue);
      // A sentinel sent now arrives either way: the test fails fast instead of at its timeout.
      await s.send(first, "sentinel");
      const taken = await s.takeUntil(first, "sentinel", { hint: startsAtTheEndHint });
      assert.ok(
        taken.includes("sent before any consumer"),
        `took ${JSON.stringify(taken)}: ${startsAtTheEndHint}`,
      );
    },
  },
];
