// Checks core's codec against one vector written by the real Python package (rome-ways), so
// unit tests (on the checked-in file) and the Python interop project (on a file Python writes
// at test time) hold the codec to the same promises.
import { expect } from "vitest";
import { readPythonMessage } from "../../src/envelope.js";
import { decodeBody, encodeResend, RomewaysError } from "../../src/index.js";
import { pyJsonDumps } from "../../src/python-json.js";

/** What `Message.from_message(body)` held, in Python's own JSON spelling. */
export interface PythonDecoded {
  payloadType: string;
  payload: string;
  counterType: string;
  counter: string;
}

export interface PythonVector {
  name: string;
  /** base64 */
  body: string;
  decoded: PythonDecoded | null;
  /** The exception Python raised reading the body; core reads every body. */
  decodeError: string | null;
  /** base64 of `from_message(body).raise_resend_counter().to_json()` */
  resend: string | null;
  resendError: string | null;
}

export interface PythonVectorFile {
  generator: string;
  romeways: string;
  python: string;
  vectors: PythonVector[];
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function checkVector(vector: PythonVector): void {
  const body = fromBase64(vector.body);
  const decoded = decodeBody(body);
  const python = vector.decoded;
  if (python === null) {
    // Python raises; core hands the handler the text (U+FFFD for bytes that are not UTF-8).
    expect(
      vector.decodeError,
      "a vector without a decoded message names Python's error",
    ).toBeTruthy();
    expect(decoded).toEqual({
      payload: lenientUtf8.decode(body),
      payloadValue: lenientUtf8.decode(body),
      rwResendTimes: 0,
    });
    if (isUtf8(body)) expect(() => encodeResend(body)).not.toThrow();
    else expect(() => encodeResend(body)).toThrow(RomewaysError);
    return;
  }
  const held = readPythonMessage(body);
  expect(pyJsonDumps(held.payload), "payload, in Python's spelling").toBe(python.payload);
  expect(pyJsonDumps(held.counter), "rw_resend_times, in Python's spelling").toBe(python.counter);
  const pythonPayload: unknown =
    python.payloadType === "str" ? JSON.parse(python.payload) : undefined;
  expect(decoded.payload).toBe(pythonPayload ?? python.payload);
  // Python turns an object payload into its JSON text; payloadValue keeps the object.
  const payloadJson = held.payloadValue instanceof Map ? (pythonPayload as string) : python.payload;
  if (held.payloadValue instanceof Map) expect(pyJsonDumps(held.payloadValue)).toBe(payloadJson);
  if (!/NaN|Infinity/.test(payloadJson)) {
    expect(decoded.payloadValue).toEqual(JSON.parse(payloadJson));
  }
  expect(decoded.rwResendTimes).toBe(expectedCounter(python));
  if (vector.resend !== null) {
    expect(Buffer.from(encodeResend(body)).toString("latin1"), "resend bytes").toBe(
      Buffer.from(fromBase64(vector.resend)).toString("latin1"),
    );
  } else {
    expect(vector.resendError, "a vector without resend bytes names Python's error").toBeTruthy();
    expect(() => encodeResend(body)).toThrow(RomewaysError);
  }
}

function expectedCounter(python: PythonDecoded): number {
  if (python.counterType === "int" || python.counterType === "float") {
    return Number(python.counter);
  }
  if (python.counterType === "bool") return python.counter === "true" ? 1 : 0;
  return 0;
}

function isUtf8(body: Uint8Array): boolean {
  try {
    strictUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
}
