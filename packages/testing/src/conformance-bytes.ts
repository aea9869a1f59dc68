import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { RawMessage } from "@romeways/core";
import type { ConnectorPromise } from "./conformance.js";
import { bodyText, bytes, sameBytes } from "./message-bytes.js";

/** Bodies, keys and headers travel unchanged. */
export const bytesPromises: ConnectorPromise[] = [
  {
    area: "bytes",
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
    area: "bytes",
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
    area: "bytes",
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
    area: "bytes",
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
    area: "bytes",
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
      const keyOf = (body: string): RawMessage["key"] =>
        taken.find((m) => bodyText(m) === body)?.key;
      assert.ok(sameBytes(keyOf("text key"), "order-42"), "the text key changed");
      assert.ok(sameBytes(keyOf("binary key"), binaryKey), "the binary key changed");
    },
  },
];
