import { test } from "node:test";
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  chunk,
  collect,
  describeSplit,
  encode,
  everyPairCount,
  splits,
  streamOf,
} from "../_helpers.ts";
import { decodeNdjson, NdjsonDecoderStream } from "../../src/streaming/ndjson_stream.ts";
import { excerpt, InferenceError, StreamError } from "../../src/errors.ts";

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

/** Asserts that `stream` errors with a StreamError and returns that error. */
async function streamErrorOf(stream: ReadableStream<unknown>): Promise<StreamError> {
  let caught: unknown;
  await rejects(collect(stream), (error) => {
    caught = error;
    return true;
  });
  ok(caught instanceof StreamError, `expected a StreamError, got ${String(caught)}`);
  return caught;
}

test("decodeNdjson decodes the protocol's task stream the same at every chunk split", async () => {
  const expected = TASK_STREAM.map((line) => JSON.parse(line));
  for (const chunks of splits(encode(`${TASK_STREAM.join("\n")}\n`))) {
    deepStrictEqual(await collect(decodeNdjson(streamOf(chunks))), expected, describeSplit(chunks));
  }
});

test("decodeNdjson keeps multi-byte UTF-8 characters split across chunks, with CRLF lines", async () => {
  const text = '{"a":"😀"}\r\n\n{"b":"é€"}\r\n  \n{"c":"𝄞"}';
  const expected = [{ a: "😀" }, { b: "é€" }, { c: "𝄞" }];
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(await collect(decodeNdjson(streamOf(chunks))), expected, describeSplit(chunks));
    count++;
  }
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("NdjsonDecoderStream skips lines that are empty after trimming", async () => {
  const lines = ["", "   ", "\t", "\r", '{"x":1}', " \u00a0 "];
  deepStrictEqual(await collect(streamOf(lines).pipeThrough(new NdjsonDecoderStream())), [{
    x: 1,
  }]);
});

test("NdjsonDecoderStream parses any JSON value, with surrounding whitespace", async () => {
  const lines = ["1", ' "text" ', "null", "[1,2]", '\t{"nested":{"ok":true}}\r'];
  deepStrictEqual(await collect(streamOf(lines).pipeThrough(new NdjsonDecoderStream())), [
    1,
    "text",
    null,
    [1, 2],
    { nested: { ok: true } },
  ]);
});

test("decodeNdjson parses a final unterminated line", async () => {
  const body = streamOf([encode('{"a":1}\n{"b"'), encode(":2}")]);
  deepStrictEqual(await collect(decodeNdjson(body)), [{ a: 1 }, { b: 2 }]);
});

test("decodeNdjson yields nothing for an empty or blank body", async () => {
  deepStrictEqual(await collect(decodeNdjson(streamOf<Uint8Array>([]))), []);
  deepStrictEqual(await collect(decodeNdjson(streamOf([encode("\n\r\n  \n")]))), []);
});

test("NdjsonDecoderStream errors with a StreamError carrying the bad line", async () => {
  const error = await streamErrorOf(
    streamOf(['{"ok":true}', "{oops"]).pipeThrough(new NdjsonDecoderStream()),
  );
  ok(error instanceof InferenceError);
  strictEqual(error.name, "StreamError");
  strictEqual(error.line, "{oops");
  ok(error.message.startsWith("Cannot parse NDJSON line: "), error.message);
  ok(error.cause instanceof SyntaxError);
  strictEqual(error.message, `Cannot parse NDJSON line: ${error.cause.message}`);
});

test("NdjsonDecoderStream keeps only an excerpt of a long bad line", async () => {
  const line = `{"data":"${"x".repeat(10_000)}"`; // unterminated object
  const error = await streamErrorOf(streamOf([line]).pipeThrough(new NdjsonDecoderStream()));
  strictEqual(error.line, excerpt(line));
  ok(error.line !== undefined && error.line.length < 200, `excerpt is ${error.line?.length} chars`);
  ok(error.line.startsWith('{"data":"xxx'));
});

test("decodeNdjson delivers the lines before a malformed one, then errors", async () => {
  const reader = decodeNdjson(streamOf([encode('{"n":1}\n{"n":2}\nnot json\n{"n":3}\n')]))
    .getReader();
  deepStrictEqual(await reader.read(), { done: false, value: { n: 1 } });
  deepStrictEqual(await reader.read(), { done: false, value: { n: 2 } });
  await rejects(reader.read(), (error) => {
    ok(error instanceof StreamError);
    ok(error instanceof InferenceError);
    strictEqual(error.line, "not json");
    return true;
  });
});

test("decodeNdjson decodes a 1 MB line in 16 KiB chunks exactly", async () => {
  const value = { data: { output: { text: "payload é€😀 ".repeat(70_000).slice(0, 1_048_576) } } };
  const other = { type: "heartbeat" };
  const text = `${JSON.stringify(other)}\n${JSON.stringify(value)}\n${JSON.stringify(other)}`;
  const chunks = chunk(encode(text), 16_384);
  strictEqual(chunks.length > 64, true);
  const values = await collect(decodeNdjson<typeof value>(streamOf(chunks)));
  strictEqual(values.length, 3);
  deepStrictEqual(values[0], other);
  strictEqual(values[1]?.data.output.text === value.data.output.text, true, "big line differs");
  deepStrictEqual(values[2], other);
});
