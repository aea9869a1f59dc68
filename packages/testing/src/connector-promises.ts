import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { RawMessage } from "@romeways/core";
import type { ConnectorPromise } from "./conformance.js";
import { bytes, promptMs, sameBytes, stillPending, text, within } from "./conformance-session.js";

const longPollHint =
  "a poll on an empty queue returned at once: getMessages must wait for the first message (a long poll)";

/** Every promise of the connector contract (DESIGN.md section 4), one test each. */
export const connectorPromises: ConnectorPromise[] = [
  {
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
      assert.deepEqual(taken.map(text).sort(), [...sent].sort());
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
    name: "a body comes back byte for byte, all 256 byte values included",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
      const reversed = everyByte.slice().reverse();
      await s.send(consumer, { body: everyByte }, { body: reversed });
      const taken = await s.take(consumer, 2);
      assert.ok(
        taken.some((m) => sameBytes(m.body, everyByte)),
        "bytes 0..255 changed on the way",
      );
      assert.ok(
        taken.some((m) => sameBytes(m.body, reversed)),
        "bytes 255..0 changed on the way",
      );
    },
  },
  {
    name: "an empty body comes back empty, not null",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      await s.send(consumer, { body: new Uint8Array(0) });
      const [message] = await s.take(consumer, 1);
      assert.ok(message?.body instanceof Uint8Array, "the empty body came back as null");
      assert.equal(message.body.length, 0);
    },
  },
  {
    name: ({ maxBodyBytes }) =>
      maxBodyBytes === 1024 * 1024
        ? "a 1 MiB body comes back byte for byte"
        : `a body of ${maxBodyBytes} bytes (the connector's maxBodyBytes) comes back byte for byte`,
    async run(s, { maxBodyBytes }) {
      const consumer = await s.consumer(await s.newQueue());
      const large = new Uint8Array(randomBytes(maxBodyBytes));
      await s.send(consumer, { body: large });
      const [message] = await s.take(consumer, 1);
      assert.equal(message?.body?.length, large.length);
      assert.ok(sameBytes(message.body, large), "the large body changed on the way");
    },
  },
  {
    name: "messages come back in the order they were sent",
    appliesTo: (c) => c.ordered,
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await s.send(consumer, ...sent);
      const taken = await s.take(consumer, sent.length, { maxChunkSize: 7 });
      assert.deepEqual(taken.map(text), sent);
    },
  },
  {
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
          for (const body of chunk.map(text)) counts.set(body, (counts.get(body) ?? 0) + 1);
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
      assert.deepEqual((await s.take(firstConsumer, 1)).map(text), ["for the first queue"]);
    },
  },
  {
    name: "an instance that was never started can send (core sends dead letters this way)",
    async run(s) {
      const queue = await s.newQueue();
      const consumer = await s.consumer(queue);
      const sendOnly = await s.producer(queue);
      await s.send(sendOnly, "dead letter");
      await s.stop(sendOnly);
      assert.deepEqual((await s.take(consumer, 1)).map(text), ["dead letter"]);
    },
  },
  {
    name: "an acknowledged message is not delivered again after a restart",
    async run(s) {
      const queue = await s.newQueue();
      const first = await s.consumer(queue);
      await s.send(first, "acknowledged");
      assert.deepEqual((await s.take(first, 1)).map(text), ["acknowledged"]);
      await s.stop(first);
      const second = await s.consumer(queue);
      await s.send(second, "sentinel");
      assert.deepEqual(await s.takeUntil(second, "sentinel"), ["sentinel"]);
    },
  },
  {
    name: "a message taken but not acknowledged is delivered again after a restart",
    appliesTo: (c) => c.redelivery,
    async run(s, { ordered }) {
      const queue = await s.newQueue();
      const first = await s.consumer(queue);
      await s.send(first, "not acknowledged");
      assert.deepEqual((await s.take(first, 1, { ack: false })).map(text), ["not acknowledged"]);
      await s.stop(first);
      const second = await s.consumer(queue);
      await s.send(second, "sentinel");
      const taken = await s.takeUntil(second, "sentinel");
      const expected = ["not acknowledged", "sentinel"];
      assert.deepEqual(ordered ? taken : taken.sort(), expected);
    },
  },
  {
    name: "a message taken but never acknowledged reaches a new instance after a crash",
    appliesTo: (c) => c.durable,
    async run(s) {
      const queue = await s.newQueue();
      const crashed = await s.consumer(queue);
      await s.send(crashed, "survivor");
      assert.deepEqual((await s.take(crashed, 1, { ack: false })).map(text), ["survivor"]);
      await s.crash(crashed);
      const next = await s.consumer(queue);
      assert.ok((await s.takeUntil(next, "survivor")).includes("survivor"));
    },
  },
  {
    name: "a waiting poll wakes up when a message arrives",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const poll = consumer.getMessages(10, AbortSignal.timeout(s.waitMs));
      assert.ok(await stillPending(poll), longPollHint);
      await s.send(consumer, "wake up");
      const chunk = await poll;
      assert.deepEqual(chunk.map(text), ["wake up"]);
      await consumer.ack(chunk);
    },
  },
  {
    name: "a waiting poll returns [] at once when its signal aborts, and takes nothing with it",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const controller = new AbortController();
      const poll = consumer.getMessages(10, controller.signal);
      assert.ok(await stillPending(poll), longPollHint);
      controller.abort();
      assert.deepEqual(await within(poll, promptMs, "the aborted poll did not return"), []);
      await s.send(consumer, "after the abort");
      assert.deepEqual((await s.take(consumer, 1)).map(text), ["after the abort"]);
    },
  },
  {
    name: "a poll with an already aborted signal returns [] at once on an empty queue",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const poll = consumer.getMessages(10, AbortSignal.abort());
      assert.deepEqual(await within(poll, promptMs, "the poll did not return"), []);
    },
  },
  {
    name: "stop() while a poll waits resolves, and a message sent afterwards is not lost",
    async run(s) {
      const queue = await s.newQueue();
      const consumer = await s.consumer(queue);
      const controller = new AbortController();
      const poll = consumer.getMessages(10, controller.signal);
      assert.ok(await stillPending(poll), longPollHint);
      // Core aborts a poll before it stops a connector; stop() must not wait for the poll.
      await s.stop(consumer);
      controller.abort();
      assert.deepEqual(await within(poll, promptMs, "the poll did not return after stop()"), []);
      await s.send(await s.producer(queue), "after the stop");
      assert.deepEqual((await s.take(await s.consumer(queue), 1)).map(text), ["after the stop"]);
    },
  },
  {
    name: "headers come back as sent",
    appliesTo: (c) => c.headers,
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const headers = {
        "x-trace-id": "t-1",
        "content-type": "application/json",
        "x-note": "grüße ✓",
      };
      await s.send(consumer, { body: bytes("with headers"), headers });
      const [message] = await s.take(consumer, 1);
      for (const [name, value] of Object.entries(headers)) {
        assert.equal(message?.headers?.[name], value, `header "${name}"`);
      }
    },
  },
  {
    name: "a key comes back as sent, as text or as bytes",
    appliesTo: (c) => c.key,
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const binaryKey = Uint8Array.from([0, 1, 2, 255]);
      await s.send(
        consumer,
        { body: bytes("text key"), key: "order-42" },
        { body: bytes("binary key"), key: binaryKey },
      );
      const taken = await s.take(consumer, 2);
      const keyOf = (body: string): RawMessage["key"] => taken.find((m) => text(m) === body)?.key;
      assert.ok(sameBytes(keyOf("text key"), bytes("order-42")), "the text key changed");
      assert.ok(sameBytes(keyOf("binary key"), binaryKey), "the binary key changed");
    },
  },
];
