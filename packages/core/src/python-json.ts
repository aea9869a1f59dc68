/**
 * JSON as Python's `json` module reads and writes it, so a resend re-emits a payload exactly as
 * Python romeways would. JavaScript's `JSON` differs in ways that reach the wire: it reorders
 * integer-like keys, spells `10.0` as `10` and `1e-07` as `1e-7`, loses digits of big integers,
 * refuses `NaN`/`Infinity`, and escapes nothing outside ASCII.
 */

/** A value as Python's `json.loads` builds it: `bigint` is a Python int, `number` a float. */
export type PyValue = string | bigint | number | boolean | null | PyValue[] | PyDict;

/** A Python dict: insertion order kept, a repeated key keeps its first place and its last value. */
export type PyDict = Map<string, PyValue>;

/** `json.loads` refused the text: Python raises `JSONDecodeError`, which romeways catches. */
export class PyJsonDecodeError extends Error {}

/**
 * Python raises an error that romeways does not catch (an int of more than 4,300 digits, nesting
 * deeper than its recursion limit): Python romeways cannot read the message at all.
 */
export class PyUnreadableError extends Error {}

/** Python's default limit on the digits of an int read or written as text (sys.get_int_max_str_digits). */
export const maxIntDigits = 4_300;
// Python's recursion limit is 1,000 frames, some taken by the caller; a little below it is safe.
const maxDepth = 900;

/** `json.loads(text)` with Python's defaults (strict strings, NaN and Infinity allowed). */
export function pyJsonLoads(text: string): PyValue {
  if (text.charCodeAt(0) === 0xfeff) throw new PyJsonDecodeError("Unexpected UTF-8 BOM");
  const scanner = new Scanner(text);
  scanner.skipWhitespace();
  const value = scanner.value(0);
  scanner.skipWhitespace();
  if (scanner.at < text.length) throw new PyJsonDecodeError(`Extra data at ${scanner.at}`);
  return value;
}

const numberPattern = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const shortEscapes: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    const { text } = this;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return;
      this.at++;
    }
  }

  value(depth: number): PyValue {
    const { text } = this;
    const char = text[this.at];
    if (char === '"') return this.string();
    if (char === "{" || char === "[") {
      if (depth >= maxDepth) throw new PyUnreadableError("nesting deeper than Python's limit");
      return char === "{" ? this.object(depth + 1) : this.array(depth + 1);
    }
    for (const [word, result] of literals) {
      if (text.startsWith(word, this.at)) {
        this.at += word.length;
        return result;
      }
    }
    numberPattern.lastIndex = this.at;
    const match = numberPattern.exec(text);
    if (match === null) throw new PyJsonDecodeError(`Expecting value at ${this.at}`);
    this.at += match[0].length;
    if (match[1] !== undefined || match[2] !== undefined) return Number(match[0]);
    const digits = match[0].length - (match[0].startsWith("-") ? 1 : 0);
    if (digits > maxIntDigits) throw new PyUnreadableError("an int of more than 4,300 digits");
    return BigInt(match[0]);
  }

  private object(depth: number): PyDict {
    const dict: PyDict = new Map();
    this.at++;
    this.skipWhitespace();
    if (this.text[this.at] === "}") {
      this.at++;
      return dict;
    }
    for (;;) {
      if (this.text[this.at] !== '"') throw new PyJsonDecodeError("Expecting property name");
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.at] !== ":") throw new PyJsonDecodeError("Expecting ':' delimiter");
      this.at++;
      this.skipWhitespace();
      dict.set(key, this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.at++];
      if (next === "}") return dict;
      if (next !== ",") throw new PyJsonDecodeError("Expecting ',' delimiter");
      this.skipWhitespace();
    }
  }

  private array(depth: number): PyValue[] {
    const list: PyValue[] = [];
    this.at++;
    this.skipWhitespace();
    if (this.text[this.at] === "]") {
      this.at++;
      return list;
    }
    for (;;) {
      list.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.at++];
      if (next === "]") return list;
      if (next !== ",") throw new PyJsonDecodeError("Expecting ',' delimiter");
      this.skipWhitespace();
    }
  }

  private string(): string {
    const { text } = this;
    let result = "";
    let chunkStart = ++this.at;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (Number.isNaN(code)) throw new PyJsonDecodeError("Unterminated string");
      if (code === 0x22 /* " */) {
        result += text.slice(chunkStart, this.at++);
        return result;
      }
      if (code < 0x20) throw new PyJsonDecodeError("Invalid control character");
      if (code !== 0x5c /* \ */) {
        this.at++;
        continue;
      }
      result += text.slice(chunkStart, this.at);
      result += this.escape();
      chunkStart = this.at;
    }
  }

  /** One escape after a backslash; `\uD83D\uDE00` pairs stay a pair, a lone one stays lone. */
  private escape(): string {
    const { text } = this;
    const kind = text[this.at + 1];
    if (kind !== "u") {
      const short = kind === undefined ? undefined : shortEscapes[kind];
      if (short === undefined) throw new PyJsonDecodeError("Invalid \\escape");
      this.at += 2;
      return short;
    }
    const unit = this.hex(this.at + 2);
    this.at += 6;
    return String.fromCharCode(unit);
  }

  private hex(from: number): number {
    const digits = this.text.slice(from, from + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new PyJsonDecodeError("Invalid \\uXXXX escape");
    return Number.parseInt(digits, 16);
  }
}

const literals: readonly (readonly [string, PyValue])[] = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
];

/** `json.dumps(value)` with Python's defaults: `", "` and `": "`, everything outside ASCII escaped. */
export function pyJsonDumps(value: PyValue): string {
  if (typeof value === "string") return pyString(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return pyFloat(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  const entries: string[] = [];
  for (const [key, item] of value) entries.push(`${pyString(key)}: ${pyJsonDumps(item)}`);
  return `{${entries.join(", ")}}`;
}

// Python's ensure_ascii escapes every character outside space..~, DEL included.
const needsEscape = /["\\]|[^ -~]/g;
const escapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function pyString(text: string): string {
  // Escaped per UTF-16 unit, which is what Python writes: a pair for a character beyond U+FFFF.
  const escaped = text.replace(
    needsEscape,
    (char) => escapes[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${escaped}"`;
}

/** Python's `repr(float)`: the shortest digits that round-trip, laid out as Python lays them. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  if (value === 0) return `${sign}0.0`;
  // toExponential() without an argument gives the same shortest round-trip digits as repr().
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const pointAt = exponent + 1;
  if (pointAt <= -4 || pointAt > 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const exponentSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
