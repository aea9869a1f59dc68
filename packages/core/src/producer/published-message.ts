import type { RawMessage } from "../connector.js";
import { ConfigError } from "../errors/index.js";
import type { QueueRef } from "../events.js";
import { romewaysHeaders } from "../message-headers.js";
import type { PublishOptions, PublishPayload } from "./publish-options.js";

const textEncoder = new TextEncoder();

/**
 * The message a publish sends: the body as Python romeways reads it (text as UTF-8, other
 * values as JSON text, which Python hands its handler as that text), the key, the headers,
 * and the due time of `delayMs` in the header the consumer loop holds messages by.
 * A bad argument is a `ConfigError` naming it: nothing is sent.
 */
export function publishedMessage(
  payload: PublishPayload,
  options: PublishOptions | undefined,
  epochNowMs: number,
  ref: QueueRef,
): RawMessage {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(message, { ...ref, field });
  };
  const message: RawMessage = { body: bodyOf(payload, fail) };
  if (options === undefined) return message;
  if (typeof options !== "object" || options === null) {
    fail("options", "publish options must be an object: { key?, headers?, delayMs? }");
  }
  const { key, headers, delayMs } = options;
  if (key !== undefined) {
    if (typeof key !== "string" && !(key instanceof Uint8Array)) {
      fail("key", `key must be a string or a Uint8Array, got ${typeof key}`);
    }
    message.key = key;
  }
  let sent: Record<string, string> | undefined;
  if (headers !== undefined) {
    if (typeof headers !== "object" || headers === null) {
      fail("headers", "headers must be an object of string values");
    }
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== "string") {
        fail(`headers.${name}`, `header values must be strings, got ${typeof value}`);
      }
    }
    sent = { ...headers };
  }
  if (delayMs !== undefined) {
    if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0) {
      fail(
        "delayMs",
        `delayMs must be a finite number of milliseconds >= 0, got ${String(delayMs)}`,
      );
    }
    // 0 means now: no header, so a consumer that does not know it sees the same message.
    if (delayMs > 0) {
      sent = { ...sent, [romewaysHeaders.notBefore]: String(Math.round(epochNowMs + delayMs)) };
    }
  }
  if (sent !== undefined) message.headers = sent;
  return message;
}

function bodyOf(payload: PublishPayload, fail: (field: string, message: string) => never) {
  if (typeof payload === "string") return textEncoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    // A cycle or a bigint: JSON.stringify throws a TypeError that names neither queue nor field.
    return fail(
      "payload",
      `the payload cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (json === undefined) {
    return fail(
      "payload",
      `the payload must be a string, a Uint8Array or a JSON value, got ${typeof payload}`,
    );
  }
  return textEncoder.encode(json);
}
