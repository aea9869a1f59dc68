import { describe, expect, test } from "vitest";
import type { RawMessage } from "../src/connector.js";
import { deadLetterOf } from "../src/dead-letter.js";
import { DeliveredMessage } from "../src/delivered-message.js";
import { resendOf } from "../src/envelope.js";
import { decodeBody, encodeResend } from "../src/index.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | null) => new TextDecoder().decode(body ?? new Uint8Array());

describe("the Python-compatible envelope", () => {
  test("plain text is the payload, with rwResendTimes 0", () => {
    expect(decodeBody(bytes("a message"))).toEqual({
      payload: "a message",
      payloadValue: "a message",
      rwResendTimes: 0,
    });
  });

  test('b"10" is the text "10", not the number', () => {
    expect(decodeBody(bytes("10")).payloadValue).toBe("10");
  });

  test("a JSON body that is not an envelope is taken as text, unchanged", () => {
    expect(decodeBody(bytes('{"attr": 10}')).payload).toBe('{"attr": 10}');
    expect(decodeBody(bytes('{"payload": "x"}')).payload).toBe('{"payload": "x"}');
  });

  test("an object payload is its JSON text as Python writes it, and a value too", () => {
    const decoded = decodeBody(bytes('{"payload": {"b":1,"2":10.0}, "rw_resend_times":1}'));
    expect(decoded.payload).toBe('{"b": 1, "2": 10.0}');
    expect(decoded.payloadValue).toEqual({ b: 1, 2: 10 });
    expect(decoded.rwResendTimes).toBe(1);
  });

  test("a list payload stays a list through a resend, spelled as Python spells it", () => {
    const body = bytes(
      '{"payload": [1, 2.50, 1e-07, 123456789012345678901], "rw_resend_times": 0}',
    );
    expect(decodeBody(body).payloadValue).toEqual([1, 2.5, 1e-7, Number("123456789012345678901")]);
    expect(text(encodeResend(body))).toBe(
      '{"payload": [1, 2.5, 1e-07, 123456789012345678901], "rw_resend_times": 1}',
    );
  });

  test("a resend is encoded byte for byte as Python romeways encodes it", () => {
    expect(text(encodeResend(bytes("10")))).toBe('{"payload": "10", "rw_resend_times": 1}');
    expect(text(encodeResend(bytes('{"payload": "é\u007f", "rw_resend_times": 2}')))).toBe(
      '{"payload": "\\u00e9\\u007f", "rw_resend_times": 3}',
    );
  });

  test("resending a resend raises the counter and never wraps twice", () => {
    let body: Uint8Array = bytes('payé {"nested": [1, 2]}');
    for (let times = 1; times <= 3; times++) {
      body = encodeResend(body);
      expect(decodeBody(body)).toMatchObject({
        payload: 'payé {"nested": [1, 2]}',
        rwResendTimes: times,
      });
    }
  });

  test("bytes that are not UTF-8 still decode, as text with replacement characters", () => {
    expect(decodeBody(new Uint8Array([0x61, 0xff, 0xfe, 0x62])).payload).toBe("a\ufffd\ufffdb");
  });

  test("a byte-order mark stays in the payload, as in Python", () => {
    expect(decodeBody(bytes("\ufeffhello")).payload).toBe("\ufeffhello");
  });

  test("an empty body is an empty payload", () => {
    expect(decodeBody(new Uint8Array()).payload).toBe("");
  });
});

describe("resends and dead letters of a delivered message", () => {
  const deliver = (raw: RawMessage & { body: Uint8Array }) => new DeliveredMessage("orders", raw);

  test("a resend keeps the key and the headers", () => {
    const message = deliver({ body: bytes("x"), key: "k", headers: { trace: "1" } });
    expect(resendOf(message.raw, message.python)).toEqual({
      body: bytes('{"payload": "x", "rw_resend_times": 1}'),
      key: "k",
      headers: { trace: "1" },
    });
  });

  test("a body that is not UTF-8 is resent with its own bytes and the counter in a header", () => {
    const binary = new Uint8Array([0xff, 0x00, 0x80, 0x61]);
    const first = resendOf({ body: binary }, deliver({ body: binary }).python);
    expect(first.body).toEqual(binary);
    expect(first.headers).toEqual({ "x-romeways-resend-times": "1" });
    const again = deliver({ body: first.body as Uint8Array, headers: first.headers ?? {} });
    expect(again.rwResendTimes).toBe(1);
    expect(resendOf(again.raw, again.python).headers).toEqual({ "x-romeways-resend-times": "2" });
  });

  test("a dead letter carries the unwrapped payload, the counter in a header", () => {
    const message = deliver({
      body: bytes('{"payload": "order 9", "rw_resend_times": 3}'),
      key: "k",
    });
    const dead = deadLetterOf(message, "orders", "max-resends", new Error("down"), Date.now());
    expect(text(dead.body)).toBe("order 9");
    expect(dead.key).toBe("k");
    expect(dead.headers).toMatchObject({
      "x-romeways-dead-letter-reason": "max-resends",
      "x-romeways-error": "down",
      "x-romeways-source-queue": "orders",
      "x-romeways-resend-times": "3",
    });
  });

  test("a dead letter of a body that is no envelope keeps its bytes", () => {
    const binary = new Uint8Array([0xff, 0xfe, 0x01]);
    const message = deliver({ body: binary });
    expect(deadLetterOf(message, "orders", "failed", new Error("x"), Date.now()).body).toBe(binary);
  });
});
