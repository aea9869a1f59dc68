import assert from "node:assert/strict";
import type { ConnectorPromise } from "./conformance.js";
import { bodyText } from "./message-bytes.js";

const crashHint =
  "no `crash` option was given, so the suite only abandoned the instance (it never stopped). A connector whose live instance keeps renewing its claim on a message (a lease, a heartbeat, a consumer-group membership) never lets go of it that way: pass `crash` to testConnector, cutting the instance's connections as a killed process's are cut";

/** What is acknowledged is gone; what is not comes back. */
export const acknowledgementPromises: ConnectorPromise[] = [
  {
    area: "acknowledgement",
    name: "an acknowledged message is not delivered again after a restart",
    async run(s) {
      const queue = await s.newQueue();
      const first = await s.consumer(queue);
      await s.send(first, "acknowledged");
      assert.deepEqual((await s.take(first, 1)).map(bodyText), ["acknowledged"]);
      await s.stop(first);
      const second = await s.consumer(queue);
      await s.send(second, "sentinel");
      assert.deepEqual(
        await s.takeUntil(second, "sentinel"),
        ["sentinel"],
        "ack() did not make the message go away",
      );
    },
  },
  {
    area: "acknowledgement",
    name: "a message taken but not acknowledged is delivered again after a restart",
    appliesTo: (c) => c.redelivery,
    async run(s, { ordered }) {
      const queue = await s.newQueue();
      const first = await s.consumer(queue);
      await s.send(first, "not acknowledged");
      assert.deepEqual((await s.take(first, 1, { ack: false })).map(bodyText), [
        "not acknowledged",
      ]);
      await s.stop(first);
      const second = await s.consumer(queue);
      await s.send(second, "sentinel");
      const taken = await s.takeUntil(second, "sentinel");
      const expected = ["not acknowledged", "sentinel"];
      assert.deepEqual(ordered ? taken : taken.sort(), expected);
    },
  },
  {
    area: "acknowledgement",
    name: "a message taken but never acknowledged reaches a new instance after a crash",
    appliesTo: (c) => c.durable,
    async run(s, { crashGiven }) {
      const queue = await s.newQueue();
      const crashed = await s.consumer(queue);
      await s.send(crashed, "survivor");
      assert.deepEqual((await s.take(crashed, 1, { ack: false })).map(bodyText), ["survivor"]);
      await s.crash(crashed);
      const next = await s.consumer(queue);
      const hint = crashGiven ? undefined : crashHint;
      const taken = await s.takeUntil(next, "survivor", hint === undefined ? {} : { hint });
      assert.ok(taken.includes("survivor"));
    },
  },
];
