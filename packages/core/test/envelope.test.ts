import { describe, expect, test } from "vitest";
import { decodeBody, encodeResend } from "../src/envelope.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the Python-compatible envelope", () => {
  test("plain text is the payload, with rwResendTimes 0", () => {
    expect(decodeBody(bytes("a message"))).toEqual({ payload: "a message", rwResendTimes: 0 });
  });

  test('b"10" is the text "10", not the number', () => {
    expect(decodeBody(bytes("10"))).toEqual({ payload: "10", rwResendTimes: 0 });
  });

  test("a JSON body that is not an envelope is taken as text, unchanged", () => {
    expect(decodeBody(bytes('{"attr": 10}'))).toEqual({
      payload: '{"attr": 10}',
      rwResendTimes: 0,
    });
    expect(decodeBody(bytes('{"payload": "x"}'))).toEqual({
      payload: '{"payload": "x"}',
      rwResendTimes: 0,
    });
  });

  test("an envelope whose payload is an object gives that object's JSON text, as Python writes it", () => {
    const decoded = decodeBody(bytes('{"payload": {"attr": 10}, "rw_resend_times":1}'));
    expect(decoded).toEqual({ payload: '{"attr": 10}', rwResendTimes: 1 });
  });

  test("a resend is encoded byte for byte as Python romeways encodes it", () => {
    expect(new TextDecoder().decode(encodeResend("10", 0))).toBe(
      '{"payload": "10", "rw_resend_times": 0}',
    );
    expect(new TextDecoder().decode(encodeResend("é", 2))).toBe(
      '{"payload": "\\u00e9", "rw_resend_times": 2}',
    );
  });

  test("encode then decode gives the message back", () => {
    const original = decodeBody(bytes("10"));
    expect(decodeBody(encodeResend(original.payload, original.rwResendTimes))).toEqual(original);
    const text = 'payé {"nested": [1, 2]}';
    expect(decodeBody(encodeResend(text, 3))).toEqual({ payload: text, rwResendTimes: 3 });
  });

  test("bytes that are not UTF-8 still decode, as text with replacement characters", () => {
    const decoded = decodeBody(new Uint8Array([0x61, 0xff, 0xfe, 0x62]));
    expect(decoded).toEqual({ payload: "a\ufffd\ufffdb", rwResendTimes: 0 });
  });

  test("an envelope with a counter that is not a whole number >= 0 is plain text", () => {
    const body = '{"payload": "x", "rw_resend_times": -1}';
    expect(decodeBody(bytes(body))).toEqual({ payload: body, rwResendTimes: 0 });
  });

  test("an empty body is an empty payload", () => {
    expect(decodeBody(new Uint8Array())).toEqual({ payload: "", rwResendTimes: 0 });
  });
});
