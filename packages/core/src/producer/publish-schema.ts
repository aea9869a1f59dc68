import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { RawMessage } from "../connector.js";
import { decodeBody } from "../envelope.js";
import { InvalidPayloadError, toError } from "../errors/index.js";
import type { PayloadConfig } from "../payload-schema.js";

/**
 * Checks a message about to be published the way its consumer will: the body's payload text,
 * decoded (`decode`, JSON by default), validated by the schema. A producer then never writes a
 * message its own app's consumer would reject as invalid; nothing is sent when it fails.
 * Throws an `InvalidPayloadError` with the schema's issues.
 */
export async function checkBeforePublish(
  message: RawMessage,
  { schema, decode }: PayloadConfig,
): Promise<void> {
  if (schema === undefined || message.body === null) return;
  let value: unknown;
  try {
    // The text a handler reads as `message.payload`: the same decoding as the consumer's.
    value = (decode ?? JSON.parse)(decodeBody(message.body, message.headers).payload);
  } catch (error) {
    throw invalid(`the payload does not decode: ${toError(error).message}`, error);
  }
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await schema["~standard"].validate(value);
  } catch (error) {
    throw invalid(`the schema threw: ${toError(error).message}`, error);
  }
  if (result.issues !== undefined) throw new InvalidPayloadError(result.issues);
}

function invalid(text: string, cause: unknown): InvalidPayloadError {
  return new InvalidPayloadError([{ message: text }], { cause });
}
