import assert from "node:assert/strict";
import type { ConnectorPromise } from "./conformance.js";
import { pendingAfter, promptMs, realWaitMs, stillPending, within } from "./conformance-session.js";
import { bodyText } from "./message-bytes.js";

const longPollHint =
  "a poll on an empty queue returned at once: getMessages must wait for the first message (a long poll)";
const slicedHint =
  "the poll was waiting on the broker: a connector that waits in blocking slices (BLOCK 1000 in a loop) and looks at the signal only between them returns late; end the blocking call itself when the signal aborts";
const deadReadHint =
  "the aborted poll's blocking read took it: end the read on the broker when the signal aborts (Redis: CLIENT UNBLOCK; a socket: close it), do not just stop waiting for its answer";

/** Long polls: they wait, wake up on a message, and end at once on abort or stop. */
export const waitingPromises: ConnectorPromise[] = [
  {
    area: "waiting",
    name: "a waiting poll wakes up when a message arrives",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const poll = consumer.getMessages(10, AbortSignal.timeout(s.waitMs));
      assert.ok(await stillPending(poll), longPollHint);
      await s.send(consumer, "wake up");
      const chunk = await poll;
      assert.deepEqual(chunk.map(bodyText), ["wake up"]);
      await consumer.ack(chunk);
    },
  },
  {
    area: "waiting",
    name: "a waiting poll returns [] at once when its signal aborts, and takes nothing with it",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const controller = new AbortController();
      const poll = consumer.getMessages(10, controller.signal);
      assert.ok(await stillPending(poll), longPollHint);
      controller.abort();
      assert.deepEqual(await within(poll, promptMs, "the aborted poll did not return"), []);
      await s.send(consumer, "after the abort");
      assert.deepEqual((await s.take(consumer, 1)).map(bodyText), ["after the abort"]);
    },
  },
  {
    area: "waiting",
    name: `a poll aborted after waiting ${realWaitMs} ms returns [] at once, and the next message goes to the next poll`,
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const controller = new AbortController();
      const poll = consumer.getMessages(10, controller.signal);
      assert.ok(await pendingAfter(poll, realWaitMs), longPollHint);
      const abortedAt = performance.now();
      controller.abort();
      const returned = await within(
        poll,
        promptMs,
        `the aborted poll did not return (${slicedHint})`,
      );
      assert.deepEqual(returned, [], "the aborted poll returned messages");
      const lateMs = performance.now() - abortedAt;
      assert.ok(
        lateMs < promptMs,
        `returned ${lateMs.toFixed(0)} ms after the abort: ${slicedHint}`,
      );
      await s.send(consumer, "after the abort", "sentinel");
      const taken = await s.takeUntil(consumer, "sentinel", { hint: deadReadHint });
      assert.ok(
        taken.includes("after the abort"),
        `"after the abort" did not reach the next poll (took ${JSON.stringify(taken)}): ${deadReadHint}`,
      );
    },
  },
  {
    area: "waiting",
    name: "a poll with an already aborted signal returns [] at once on an empty queue",
    async run(s) {
      const consumer = await s.consumer(await s.newQueue());
      const poll = consumer.getMessages(10, AbortSignal.abort());
      assert.deepEqual(await within(poll, promptMs, "the poll did not return"), []);
    },
  },
  {
    area: "waiting",
    name: `stop() while a poll has waited ${realWaitMs} ms resolves, and a message sent afterwards is not lost`,
    async run(s) {
      const queue = await s.newQueue();
      const consumer = await s.consumer(queue);
      const controller = new AbortController();
      const poll = consumer.getMessages(10, controller.signal);
      assert.ok(await pendingAfter(poll, realWaitMs), longPollHint);
      // Core aborts a poll before it stops a connector; stop() must not wait for the poll.
      await s.stop(consumer);
      controller.abort();
      assert.deepEqual(await within(poll, promptMs, "the poll did not return after stop()"), []);
      await s.send(await s.producer(queue), "after the stop");
      assert.deepEqual((await s.take(await s.consumer(queue), 1)).map(bodyText), [
        "after the stop",
      ]);
    },
  },
];
