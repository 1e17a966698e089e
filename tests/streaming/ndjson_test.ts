import { test } from "node:test";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { chunk, describeSplit, encode, everyPairCount, splits } from "../_helpers.ts";
import { DEFAULT_MAX_LINE_BYTES, NdjsonValueDecoder } from "../../src/streaming/values.ts";
import { excerpt, InferenceError, StreamError } from "../../src/errors.ts";

/** Decodes `chunks` as one NDJSON body with the decoder every follower uses. */
function decodeNdjson(chunks: Uint8Array[], out: unknown[] = []): unknown[] {
  const decoder = new NdjsonValueDecoder(DEFAULT_MAX_LINE_BYTES, "read");
  for (const piece of chunks) decoder.push(piece, out);
  decoder.end(out);
  return out;
}

/** Decodes `lines`, each ended by a newline. */
function decodeLines(lines: string[]): unknown[] {
  return decodeNdjson([encode(lines.map((line) => `${line}\n`).join(""))]);
}

/** Asserts that decoding `lines` throws a StreamError and returns it. */
function streamErrorOf(lines: string[]): StreamError {
  let caught: unknown;
  throws(() => decodeLines(lines), (error) => {
    caught = error;
    return true;
  });
  ok(caught instanceof StreamError, `expected a StreamError, got ${String(caught)}`);
  return caught;
}

/** The constructed task stream of docs/protocol.md §4.3. */
const TASK_STREAM = [
  '{"type":"heartbeat"}',
  '{"data":{"id":"task_01","status":2,"updated_at":"2026-01-15T10:30:01Z"},"fields":["status","updated_at"]}',
  '{"data":{"id":"task_01","status":7,"updated_at":"2026-01-15T10:30:03Z"},"fields":["status","updated_at"]}',
  '{"event":"delta","data":{"delta":{"response":"Hel"},"seq":1}}',
  '{"event":"delta","data":{"delta":{"response":"lo"},"seq":2}}',
  '{"type":"heartbeat"}',
  '{"data":{"id":"task_01","status":10,"output":{"response":"Hello"},"updated_at":"2026-01-15T10:30:05Z"},"fields":["status","output","updated_at"]}',
];

test("decodeNdjson decodes the protocol's task stream the same at every chunk split", () => {
  const expected = TASK_STREAM.map((line) => JSON.parse(line));
  for (const chunks of splits(encode(`${TASK_STREAM.join("\n")}\n`))) {
    deepStrictEqual(decodeNdjson(chunks), expected, describeSplit(chunks));
  }
});

test("decodeNdjson keeps multi-byte UTF-8 characters split across chunks, with CRLF lines", () => {
  const text = '{"a":"😀"}\r\n\n{"b":"é€"}\r\n  \n{"c":"𝄞"}';
  const expected = [{ a: "😀" }, { b: "é€" }, { c: "𝄞" }];
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(decodeNdjson(chunks), expected, describeSplit(chunks));
    count++;
  }
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("NDJSON skips lines that are empty after trimming", () => {
  const lines = ["", "   ", "\t", "\r", '{"x":1}', " \u00a0 "];
  deepStrictEqual(decodeLines(lines), [{
    x: 1,
  }]);
});

test("NDJSON parses any JSON value, with surrounding whitespace", () => {
  const lines = ["1", ' "text" ', "null", "[1,2]", '\t{"nested":{"ok":true}}\r'];
  deepStrictEqual(decodeLines(lines), [
    1,
    "text",
    null,
    [1, 2],
    { nested: { ok: true } },
  ]);
});

test("decodeNdjson parses a final unterminated line", () => {
  const body = [encode('{"a":1}\n{"b"'), encode(":2}")];
  deepStrictEqual(decodeNdjson(body), [{ a: 1 }, { b: 2 }]);
});

test("decodeNdjson yields nothing for an empty or blank body", () => {
  deepStrictEqual(decodeNdjson([]), []);
  deepStrictEqual(decodeNdjson([encode("\n\r\n  \n")]), []);
});

test("NDJSON errors with a StreamError carrying the bad line", () => {
  const error = streamErrorOf(['{"ok":true}', "{oops"]);
  ok(error instanceof InferenceError);
  strictEqual(error.name, "StreamError");
  strictEqual(error.line, "{oops");
  ok(error.message.startsWith("Cannot read: a stream line is not JSON: "), error.message);
  ok(error.cause instanceof SyntaxError);
  strictEqual(error.message, `Cannot read: a stream line is not JSON: ${error.cause.message}`);
});

test("NDJSON keeps only an excerpt of a long bad line", () => {
  const line = `{"data":"${"x".repeat(10_000)}"`; // unterminated object
  const error = streamErrorOf([line]);
  strictEqual(error.line, excerpt(line));
  ok(error.line !== undefined && error.line.length < 200, `excerpt is ${error.line?.length} chars`);
  ok(error.line.startsWith('{"data":"xxx'));
});

test("decodeNdjson delivers the lines before a malformed one, then errors", () => {
  const out: unknown[] = [];
  throws(() => decodeNdjson([encode('{"n":1}\n{"n":2}\nnot json\n{"n":3}\n')], out), (error) => {
    ok(error instanceof StreamError);
    ok(error instanceof InferenceError);
    strictEqual(error.line, "not json");
    return true;
  });
  deepStrictEqual(out, [{ n: 1 }, { n: 2 }]);
});

test("decodeNdjson decodes a 1 MB line in 16 KiB chunks exactly", () => {
  const value = { data: { output: { text: "payload é€😀 ".repeat(70_000).slice(0, 1_048_576) } } };
  const other = { type: "heartbeat" };
  const text = `${JSON.stringify(other)}\n${JSON.stringify(value)}\n${JSON.stringify(other)}`;
  const chunks = chunk(encode(text), 16_384);
  strictEqual(chunks.length > 64, true);
  const values = decodeNdjson(chunks) as (typeof value)[];
  strictEqual(values.length, 3);
  deepStrictEqual(values[0], other);
  strictEqual(values[1]?.data.output.text === value.data.output.text, true, "big line differs");
  deepStrictEqual(values[2], other);
});
