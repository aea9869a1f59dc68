/**
 * Bytes to text as Python does it for romeways: `json.loads(bytes)` guesses UTF-8, UTF-16 or
 * UTF-32 and lets UTF-8-encoded surrogates through (`surrogatepass`); `bytes.decode()` is strict
 * UTF-8 and keeps a byte-order mark as U+FEFF. `undefined` is Python's `UnicodeDecodeError`.
 */

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** `bytes.decode()`: strict UTF-8, a leading BOM kept. */
export function pyDecodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text `json.loads(bytes)` parses, or undefined where Python raises `UnicodeDecodeError`. */
export function pyJsonText(bytes: Uint8Array): string | undefined {
  const encoding = detectEncoding(bytes);
  switch (encoding) {
    case "utf-8":
      return pyDecodeUtf8(bytes) ?? decodeUtf8SurrogatePass(bytes, 0);
    case "utf-8-sig":
      return decodeUtf8SurrogatePass(bytes, 3);
    default:
      return decodeWide(bytes, encoding);
  }
}

type WideEncoding = "utf-16-be" | "utf-16-le" | "utf-32-be" | "utf-32-le";

/** Python's `json.detect_encoding`: a BOM, else where the NUL bytes of ASCII JSON fall. */
function detectEncoding(b: Uint8Array): "utf-8" | "utf-8-sig" | WideEncoding {
  const [b0, b1, b2, b3] = b;
  if (b.length >= 4 && b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return "utf-32-be";
  if (b.length >= 4 && b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return "utf-32-le";
  if (b0 === 0xfe && b1 === 0xff) return "utf-16-be";
  if (b0 === 0xff && b1 === 0xfe) return "utf-16-le";
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return "utf-8-sig";
  if (b.length >= 4) {
    if (b0 === 0) return b1 !== 0 ? "utf-16-be" : "utf-32-be";
    if (b1 === 0) return b2 !== 0 || b3 !== 0 ? "utf-16-le" : "utf-32-le";
  } else if (b.length === 2) {
    if (b0 === 0) return "utf-16-be";
    if (b1 === 0) return "utf-16-le";
  }
  return "utf-8";
}

/**
 * UTF-16 and UTF-32 with `surrogatepass`. A BOM matching the byte order is consumed: Python's
 * "utf-16"/"utf-32" codecs, chosen when the BOM is there, drop it; the -be/-le ones, chosen when
 * it is not, have none to drop.
 */
function decodeWide(bytes: Uint8Array, encoding: WideEncoding): string | undefined {
  const width = encoding.startsWith("utf-16") ? 2 : 4;
  if (bytes.length % width !== 0) return undefined;
  const bigEndian = encoding.endsWith("be");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const units: number[] = [];
  let text = "";
  for (let at = 0; at < bytes.length; at += width) {
    const value = width === 2 ? view.getUint16(at, !bigEndian) : view.getUint32(at, !bigEndian);
    if (at === 0 && value === 0xfeff) continue;
    if (value > 0x10ffff) return undefined;
    if (value > 0xffff) units.push(0xd800 + ((value - 0x10000) >> 10), 0xdc00 + (value & 0x3ff));
    else units.push(value);
    if (units.length >= 4096) text += flush(units);
  }
  return text + flush(units);
}

function flush(units: number[]): string {
  const text = String.fromCharCode(...units);
  units.length = 0;
  return text;
}

/**
 * Strict UTF-8 but for encoded surrogates (ED A0..BF xx), which `surrogatepass` lets through as
 * lone surrogates. Only reached when the fast strict decoder refused the bytes.
 */
function decodeUtf8SurrogatePass(bytes: Uint8Array, from: number): string | undefined {
  const units: number[] = [];
  let text = "";
  let at = from;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    const sequence = sequenceOf(lead);
    if (sequence === undefined || at + sequence.length > bytes.length) return undefined;
    let codePoint = lead & sequence.leadMask;
    for (let i = 1; i < sequence.length; i++) {
      const next = bytes[at + i] as number;
      if ((next & 0xc0) !== 0x80) return undefined;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < sequence.least || codePoint > 0x10ffff) return undefined;
    if (codePoint > 0xffff) {
      units.push(0xd800 + ((codePoint - 0x10000) >> 10), 0xdc00 + (codePoint & 0x3ff));
    } else {
      units.push(codePoint);
    }
    at += sequence.length;
    if (units.length >= 4096) text += flush(units);
  }
  return text + flush(units);
}

interface Sequence {
  length: number;
  leadMask: number;
  /** The least code point of this length: anything below is an overlong form. */
  least: number;
}

const sequences: readonly Sequence[] = [
  { length: 1, leadMask: 0x7f, least: 0 },
  { length: 2, leadMask: 0x1f, least: 0x80 },
  { length: 3, leadMask: 0x0f, least: 0x800 },
  { length: 4, leadMask: 0x07, least: 0x10000 },
];

function sequenceOf(lead: number): Sequence | undefined {
  if (lead < 0x80) return sequences[0];
  if (lead >= 0xc2 && lead < 0xe0) return sequences[1];
  if (lead >= 0xe0 && lead < 0xf0) return sequences[2];
  if (lead >= 0xf0 && lead < 0xf5) return sequences[3];
  return undefined;
}
