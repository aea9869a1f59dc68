import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { RawMessage } from "@romeways/core";

/**
 * Message attributes this connector writes besides the headers. SQS bodies and string
 * attributes are text without most control characters, and a message has at most 10
 * attributes: bytes that are not such text travel as base64, and headers that do not fit one
 * attribute each travel together as JSON.
 */
export const attributeNames = {
  /** The key: a String attribute for a text key, Binary for bytes (Binary.utf8: text SQS cannot carry). */
  key: "romeways.key",
  /** How the body travels when it is not the text itself: "base64", "empty" or "null". */
  body: "romeways.body",
  /** Headers as one JSON object, when they do not fit one attribute each. */
  headers: "romeways.headers",
} as const;

const maxAttributes = 10;
const reserved = new Set<string>(Object.values(attributeNames));
// What SQS accepts in a body or a String attribute (its documented character ranges).
const invalidText = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// Letters, digits, "_", "-" and "."; no leading, trailing or doubled dot; not AWS.* / Amazon.*.
const attributeName = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const awsPrefix = /^(aws|amazon)\./i;
// ignoreBOM: a leading BOM is part of the bytes and must come back.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The body and attributes of a SendMessage for `message`. */
export interface EncodedMessage {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

/** `bytes` as SQS text, or undefined when they are not text SQS can carry unchanged. */
function asSqsText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return invalidText.test(text) ? undefined : text;
}

function isSqsText(value: string): boolean {
  return value.length > 0 && !invalidText.test(value);
}

function isHeaderAttribute(name: string, value: string): boolean {
  return (
    attributeName.test(name) && !awsPrefix.test(name) && !reserved.has(name) && isSqsText(value)
  );
}

function encodeKey(key: Uint8Array | string): MessageAttributeValue {
  if (typeof key !== "string") return { DataType: "Binary", BinaryValue: key };
  if (isSqsText(key)) return { DataType: "String", StringValue: key };
  return { DataType: "Binary.utf8", BinaryValue: encoder.encode(key) };
}

export function encodeMessage(message: RawMessage): EncodedMessage {
  const attributes: Record<string, MessageAttributeValue> = {};
  let body: string;
  if (message.body === null) {
    body = "-";
    attributes[attributeNames.body] = { DataType: "String", StringValue: "null" };
  } else if (message.body.length === 0) {
    // SQS refuses an empty body.
    body = "-";
    attributes[attributeNames.body] = { DataType: "String", StringValue: "empty" };
  } else {
    const text = asSqsText(message.body);
    body = text ?? Buffer.from(message.body).toString("base64");
    if (text === undefined) {
      attributes[attributeNames.body] = { DataType: "String", StringValue: "base64" };
    }
  }
  if (message.key !== undefined) attributes[attributeNames.key] = encodeKey(message.key);
  const headers = Object.entries(message.headers ?? {});
  const fitOneEach =
    headers.length + Object.keys(attributes).length <= maxAttributes &&
    headers.every(([name, value]) => isHeaderAttribute(name, value));
  if (fitOneEach) {
    for (const [name, value] of headers)
      attributes[name] = { DataType: "String", StringValue: value };
  } else {
    attributes[attributeNames.headers] = {
      DataType: "String",
      StringValue: JSON.stringify(message.headers),
    };
  }
  return { body, attributes };
}

/** The RawMessage fields of a received SQS message. */
export function decodeMessage(message: Message): RawMessage {
  const attributes = message.MessageAttributes ?? {};
  const encoding = attributes[attributeNames.body]?.StringValue;
  const text = message.Body ?? "";
  let body: Uint8Array | null;
  if (encoding === "null") body = null;
  else if (encoding === "empty") body = new Uint8Array(0);
  else if (encoding === "base64") body = new Uint8Array(Buffer.from(text, "base64"));
  else body = encoder.encode(text);

  const headers: Record<string, string> = {};
  let key: Uint8Array | string | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name === attributeNames.key) key = decodeKey(value);
    else if (name === attributeNames.headers) {
      Object.assign(headers, JSON.parse(value.StringValue ?? "{}") as Record<string, string>);
    } else if (!reserved.has(name)) {
      // Another producer's Binary attribute arrives as base64 text.
      headers[name] =
        value.StringValue ?? Buffer.from(value.BinaryValue ?? new Uint8Array(0)).toString("base64");
    }
  }
  const raw: RawMessage = { body, headers };
  if (key !== undefined) raw.key = key;
  return raw;
}

function decodeKey(value: MessageAttributeValue): Uint8Array | string {
  const bytes = value.BinaryValue;
  if (value.DataType === "Binary.utf8") return new TextDecoder().decode(bytes);
  if (bytes !== undefined) return new Uint8Array(bytes);
  return value.StringValue ?? "";
}
