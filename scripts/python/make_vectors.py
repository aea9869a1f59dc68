"""Message codec vectors made by Python romeways itself.

Each body below goes through the real ``romeways.Message``: what a Python handler gets
(``Message.from_message(body)``) and what Python's ``_resend_message`` writes for it
(``from_message(body).raise_resend_counter().to_json()``). The TypeScript codec is checked
against the result (packages/core/test/vectors/python-message-vectors.json).

    python make_vectors.py [OUT_FILE]        (stdout without OUT_FILE)
    python make_vectors.py --stdin           vectors of the bodies given on stdin, a JSON
                                             list of base64 strings, as a JSON list

The output is the same bytes on every run but for the "python" version field.
"""

import base64
import codecs
import json
import platform
import sys
from importlib.metadata import version

from romeways import Message

GENERATOR = "scripts/python/make_vectors.py"


def envelope(payload_json: str, counter_json: str = "0") -> bytes:
    """An envelope written by hand, so payload and counter keep the spelling given here."""
    return f'{{"payload": {payload_json}, "rw_resend_times": {counter_json}}}'.encode()


def utf8(text: str) -> bytes:
    # surrogatepass: lets a body hold a UTF-8-encoded surrogate on purpose
    return text.encode("utf-8", "surrogatepass")


def control_characters():
    for code in range(0x20):
        yield f"plain text with U+{code:04X}", utf8(f"a{chr(code)}b")
    yield "plain text with U+007F", utf8("a\x7fb")
    yield "plain text with C1 controls U+0080..U+009F", utf8("".join(map(chr, range(0x80, 0xA0))))
    escaped = "".join(f"\\u{code:04x}" for code in range(0x20)) + "\\u007f"
    yield "envelope: every control char escaped", envelope(f'"{escaped}"')
    yield "envelope: short escapes", envelope(r'"\b\f\n\r\t\"\\\/"')
    yield "envelope: raw newline in string (invalid JSON)", envelope('"a\nb"')
    yield "envelope: raw tab in string (invalid JSON)", envelope('"a\tb"')
    yield "envelope: raw U+007F in string", envelope('"a\x7fb"')


def numbers():
    yield "dict payload: {amount: 10.0}", envelope('{"amount": 10.0}')
    yield "dict payload: integer-like key order", envelope('{"b":1,"2":"two","1":"one"}')
    yield "dict payload: 2^64", envelope('{"n": 18446744073709551616}')
    yield "dict payload: 30-digit int", envelope('{"n": 123456789012345678901234567890}')
    yield "dict payload: negative 30-digit int", envelope('{"n": -123456789012345678901234567890}')
    yield "dict payload: 1e-07", envelope('{"x": 1e-07}')
    yield "dict payload: 1E5", envelope('{"x": 1E5}')
    yield "dict payload: 1e400", envelope('{"x": 1e400}')
    yield "dict payload: -1e400", envelope('{"x": -1e400}')
    yield "dict payload: -0.0", envelope('{"x": -0.0}')
    yield "dict payload: -0", envelope('{"x": -0}')
    yield "dict payload: NaN, Infinity, -Infinity", envelope('{"a": NaN, "b": Infinity, "c": -Infinity}')
    floats = (
        "[0.1, 2.50, 100.0, 1e15, 1e16, 1e21, 1e22, 0.0001, 1e-5, 1.5E+300, 5e-324,"
        " 1.7976931348623157e308, 1.7976931348623159e308, 1.0000000000000002,"
        " 123456789012345678.0, 9007199254740993.0, 3.14159265358979323846, 0e10, -0e0]"
    )
    yield "list payload: float spellings", envelope(floats)
    yield "list payload: 2^53-1, 2^53, 2^53+1", envelope("[9007199254740991, 9007199254740992, 9007199254740993]")
    yield "list payload: 4300-digit int", envelope(f"[{'7' * 4300}]")
    yield "list payload: 4301-digit int (Python's int limit)", envelope(f"[{'7' * 4301}]")
    yield "number payload: int", envelope("42")
    yield "number payload: float 10.0", envelope("10.0")
    yield "number payload: 1e400", envelope("1e400")
    yield "number payload: NaN", envelope("NaN")
    yield "number payload: -Infinity", envelope("-Infinity")
    yield "number payload: 2^64", envelope("18446744073709551616")


def payload_types():
    yield "list payload", envelope('[1, "two", 3.0, null, true, {"k": [false]}]')
    yield "empty list payload", envelope("[]")
    yield "bool payload: true", envelope("true")
    yield "bool payload: false", envelope("false")
    yield "null payload", envelope("null")
    yield "nested dict payload", envelope('{"a": {"b": {"c": [1, {"d": null}]}}, "e": "f"}')
    yield "empty dict payload", envelope("{}")
    yield "dict payload: unicode keys", envelope('{"ключ": {"ß": [1, 2.50, "é"]}, "😀": "\\ud83d\\ude00"}')
    yield "dict payload: duplicate keys", envelope('{"a": 1, "b": 2, "a": 3}')
    yield "dict payload: compact spelling", envelope('{"a":1,"b":[1,2],"c":{"d":"e"}}')
    yield "dict payload: lone surrogate key", envelope('{"\\ud800": "\\udfff"}')
    yield "dict payload: deeply nested (200)", envelope('{"a":' * 200 + "1" + "}" * 200)
    yield "list payload: nested arrays (500)", envelope("[" * 500 + "]" * 500)
    yield "string payload that is an envelope", envelope(json.dumps(json.dumps({"payload": "x", "rw_resend_times": 1})), "2")
    yield "string payload that is a dict's JSON", envelope(json.dumps('{"amount": 10.0}'))
    yield "string payload: empty", envelope('""')


def envelope_shapes():
    yield "leading whitespace", b' \t\r\n{"payload": "x", "rw_resend_times": 1}'
    yield "trailing whitespace", b'{"payload": "x", "rw_resend_times": 1} \t\r\n'
    yield "leading form feed (not JSON whitespace)", b'\x0c{"payload": "x", "rw_resend_times": 1}'
    yield "leading no-break space (not JSON whitespace)", utf8('\u00a0{"payload": "x", "rw_resend_times": 1}')
    yield "compact envelope", b'{"payload":"x","rw_resend_times":1}'
    yield "counter before payload", b'{"rw_resend_times": 1, "payload": "x"}'
    yield "escaped key rw\\u005fresend_times", b'{"payload": "x", "rw\\u005fresend_times": 1}'
    yield "escaped key p\\u0061yload", b'{"p\\u0061yload": "x", "rw_resend_times": 1}'
    yield "extra keys", b'{"payload": "x", "rw_resend_times": 1, "extra": [1, 2]}'
    yield "duplicate keys (last wins)", b'{"payload": "a", "rw_resend_times": 1, "payload": "b", "rw_resend_times": 5}'
    yield "counter only, no payload", b'{"rw_resend_times": 2}'
    yield "payload only, no counter", b'{"payload": "x"}'
    yield "trailing garbage", b'{"payload": "x", "rw_resend_times": 1} xyz'
    yield "two envelopes", b'{"payload": "x", "rw_resend_times": 1}{"payload": "y", "rw_resend_times": 2}'
    yield "truncated envelope", b'{"payload": "x", "rw_resend_times": 1'
    yield "single-quoted (not JSON)", b"{'payload': 'x', 'rw_resend_times': 1}"
    yield "uppercase Payload key (no payload key)", b'{"Payload": "x", "rw_resend_times": 1}'


def counters():
    for name, spelling in (
        ("-1", "-1"),
        ("1.5", "1.5"),
        ("true", "true"),
        ("false", "false"),
        ("2^53-1", "9007199254740991"),
        ("2^53", "9007199254740992"),
        ("2^53+1", "9007199254740993"),
        ("2^64", "18446744073709551616"),
        ("-0.0", "-0.0"),
        ("1E5", "1E5"),
        ("1e400", "1e400"),
        ("NaN", "NaN"),
        ("4300 nines (resend passes Python's int limit)", "9" * 4300),
        ('"3" (string)', '"3"'),
        ("null", "null"),
        ("[1]", "[1]"),
        ("{}", "{}"),
    ):
        yield f"counter {name}", envelope('"x"', spelling)


def encodings():
    text = '{"payload": "h\u00e9llo \U0001f600", "rw_resend_times": 1}'
    yield "UTF-8 BOM before plain text", codecs.BOM_UTF8 + b"hello"
    yield "UTF-8 BOM before an envelope", codecs.BOM_UTF8 + text.encode()
    yield "UTF-8 BOM inside an envelope's payload", envelope('"\ufeffx"')
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        yield f"{codec} envelope without BOM", text.encode(codec)
    yield "utf-16 envelope with BOM", text.encode("utf-16")
    yield "utf-16-be envelope with BOM", codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    yield "utf-32 envelope with BOM", text.encode("utf-32")
    yield "utf-16-le plain text without BOM", "hi there".encode("utf-16-le")
    yield "utf-16 plain text with BOM", "hi there".encode("utf-16")
    yield "latin-1 plain text (invalid UTF-8)", "caf\u00e9".encode("latin-1")
    yield "invalid UTF-8 byte FF", b"abc\xffdef"
    yield "truncated UTF-8 sequence", b"abc\xe2\x82"
    yield "overlong UTF-8 encoding of /", b"a\xc0\xafb"
    yield "invalid UTF-8 inside an envelope", b'{"payload": "a\xffb", "rw_resend_times": 1}'
    yield "UTF-8-encoded surrogate ED A0 80", b"\xed\xa0\x80"
    yield "UTF-8-encoded surrogate inside an envelope", b'{"payload": "\xed\xa0\x80", "rw_resend_times": 1}'


def unicode_text():
    yield "plain text: non-BMP characters", utf8("emoji \U0001f600 and \U00010348 gothic")
    yield "plain text: accents and CJK", utf8("h\u00e9llo \u4e16\u754c")
    yield "envelope: literal non-BMP characters", envelope('"\U0001f600 \U0010ffff"')
    yield "envelope: escaped surrogate pair", envelope('"\\ud83d\\ude00"')
    yield "envelope: uppercase escapes", envelope('"\\u00E9\\uD83D\\uDE00"')
    yield "envelope: lone high surrogate escape", envelope('"\\ud800"')
    yield "envelope: lone low surrogate escape", envelope('"a\\udc00b"')
    yield "envelope: reversed surrogate pair", envelope('"\\udc00\\ud800"')
    yield "envelope: lone surrogate in a list payload", envelope('["\\udbff"]')
    yield "plain text: raw U+2028 and U+2029", utf8("a\u2028b\u2029c")
    yield "envelope: raw U+2028 and U+2029", envelope('"a\u2028b\u2029c"')
    yield "envelope: escaped U+2028 and U+2029", envelope('"a\\u2028b\\u2029c"')
    yield "envelope: escaped NUL", envelope('"a\\u0000b"')


def plain_bodies():
    yield "empty body", b""
    yield "whitespace only", b" \n"
    yield "plain text", b"hello"
    yield "plain text with quotes and backslashes", utf8('he said "hi" \\ C:\\path\\n \\u0041')
    yield "JSON object {}", b"{}"
    yield "JSON array []", b"[]"
    yield 'JSON string "str"', b'"str"'
    yield "JSON number 10", b"10"
    yield "JSON true", b"true"
    yield "JSON null", b"null"
    yield "JSON NaN", b"NaN"
    yield "JSON array of an envelope", b'[{"payload": "x", "rw_resend_times": 1}]'
    yield "JSON string holding an envelope", json.dumps(json.dumps({"payload": "x", "rw_resend_times": 1})).encode()
    yield "deeply nested arrays (20000)", b"[" * 20000 + b"]" * 20000


def large():
    # Mostly plain ASCII, so the checked-in file stays under 1 MiB, with every kind of escape
    # in each kilobyte.
    unit = "lorem ipsum dolor sit amet " * 36 + '"q" \\ \u00e9 \u4e16 \U0001f600 \u2028\n\t\x7f'
    text = unit * (100_000 // len(utf8(unit)) + 1)
    yield "100 KB plain text", utf8(text)
    yield "100 KB string payload in an envelope", envelope(json.dumps(text, ensure_ascii=False))


def bodies():
    for group in (
        control_characters,
        numbers,
        payload_types,
        envelope_shapes,
        counters,
        encodings,
        unicode_text,
        plain_bodies,
        large,
    ):
        yield from group()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def vector(name: str, body: bytes) -> dict:
    decoded = decode_error = resend = resend_error = None
    try:
        message = Message.from_message(body)
        decoded = {
            "payloadType": type(message.payload).__name__,
            "payload": json.dumps(message.payload),
            "counterType": type(message.rw_resend_times).__name__,
            "counter": json.dumps(message.rw_resend_times),
        }
    except Exception as error:  # what Python's consumer loop would meet, by class name
        decode_error = type(error).__name__
    try:
        resend = b64(Message.from_message(body).raise_resend_counter().to_json())
    except Exception as error:
        resend_error = type(error).__name__
    return {
        "name": name,
        "body": b64(body),
        "decoded": decoded,
        "decodeError": decode_error,
        "resend": resend,
        "resendError": resend_error,
    }


def main() -> None:
    if sys.argv[1:] == ["--stdin"]:
        given = json.load(sys.stdin)
        found = [vector(str(i), base64.b64decode(body)) for i, body in enumerate(given)]
        sys.stdout.write(json.dumps(found, ensure_ascii=True) + "\n")
        return
    vectors = [vector(name, body) for name, body in bodies()]
    names = [v["name"] for v in vectors]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"duplicate vector names: {duplicates}")
    document = {
        "generator": GENERATOR,
        "romeways": version("rome-ways"),
        "python": platform.python_version(),
        "vectors": vectors,
    }
    text = json.dumps(document, ensure_ascii=True, indent=2) + "\n"
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="ascii", newline="\n") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
