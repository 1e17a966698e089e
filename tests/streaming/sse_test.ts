import { test } from "node:test";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { chunk, describeSplit, encode, everyPairCount, splits } from "../_helpers.ts";
import { DEFAULT_MAX_LINE_BYTES, SseValueDecoder } from "../../src/streaming/values.ts";

// Server-Sent Events as the followers read them (WHATWG "event stream
// interpretation"): the data of an event is JSON; `id` and `retry` are not used.

/** Decodes byte chunks with the decoder every follower uses. */
function decodeSse(chunks: Uint8Array[]): unknown[] {
  const decoder = new SseValueDecoder(DEFAULT_MAX_LINE_BYTES, "read");
  const out: unknown[] = [];
  for (const piece of chunks) decoder.push(piece, out);
  decoder.end(out);
  return out;
}

/** Decodes text chunks (each encoded on its own, so a cut never splits a character). */
function parse(...chunks: string[]): unknown[] {
  return decodeSse(chunks.map(encode));
}

/** Asserts that every chunking of `text` (as UTF-8 bytes) gives `expected`. */
function assertEverySplit(text: string, expected: unknown[]): number {
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(decodeSse(chunks), expected, describeSplit(chunks));
    count++;
  }
  return count;
}

test("SSE decodes the protocol's example stream the same at every chunk split", () => {
  const a = { data: { id: "task_01", status: 7 }, fields: ["status"] };
  const b = {
    data: { id: "task_01", status: 10, output: { ok: true } },
    fields: ["status", "output"],
  };
  assertEverySplit(`: heartbeat\n\ndata: ${JSON.stringify(a)}\n\ndata: ${JSON.stringify(b)}\n\n`, [
    a,
    b,
  ]);
});

test("SSE handles fields, comments, CRLF and lone CR the same at every chunk split", () => {
  const text = ':c\r\nevent: x\rid: 7\ndata: ["é😀",\r\ndata:"€"]\r\rretry: 50\n\ndata:1\n\n';
  const count = assertEverySplit(text, [{ event: "x", data: ["é😀", "€"] }, 1]);
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("SSE joins multi-line data with LF", () => {
  deepStrictEqual(parse('data: ["one",\ndata: "two"\ndata:\ndata: ]\n\n'), [["one", "two"]]);
});

test("SSE ignores comment lines", () => {
  deepStrictEqual(parse(": heartbeat\n\n", ":\n", 'data: ["a",\n: inside\ndata: "b"]\n\n'), [
    ["a", "b"],
  ]);
});

test("SSE names the event, defaulting to message and resetting after dispatch", () => {
  deepStrictEqual(
    parse("event: delta\ndata: 1\n\ndata: 2\n\nevent: a\nevent: b\ndata: 3\n\nevent:\ndata: 4\n\n"),
    [{ event: "delta", data: 1 }, 2, { event: "b", data: 3 }, 4],
  );
  deepStrictEqual(parse("event: message\ndata: 5\n\n"), [5]);
});

test("SSE ends lines at CRLF, LF and lone CR, also split across chunks", () => {
  const expected = [[1, 2], 3];
  deepStrictEqual(parse("data: [1,\r\ndata: 2]\r\n\r\ndata: 3\n\n"), expected);
  deepStrictEqual(parse("data: [1,\rdata: 2]\r\rdata: 3\r\r"), expected);
  // A CR ending a chunk followed by LF opening the next is one line break, not a blank line.
  deepStrictEqual(parse("data: [1,\r", "\ndata: 2]\r", "\n\r", "\ndata: 3\r", "\r"), expected);
  deepStrictEqual(parse("data: [1,\r", "", "\ndata: 2]\r", "\r", "data: 3\n", "\n"), expected);
});

test("SSE drops one leading BOM and no other", () => {
  deepStrictEqual(parse("\uFEFFdata: 1\n\n"), [1]);
  deepStrictEqual(parse("", "\uFEFF", "data: 1\n\n"), [1]);
  // A second BOM, or one later in the stream, makes the field name unknown.
  deepStrictEqual(parse("\uFEFF\uFEFFdata: 1\n\n"), []);
  deepStrictEqual(parse("data: 1\n\n\uFEFFdata: 2\n\n"), [1]);
});

test("SSE drops exactly one leading UTF-8 BOM, at every chunk split", () => {
  assertEverySplit('\uFEFFdata: "a😀"\n\n', ["a😀"]);
});

test("SSE dispatches nothing for an event without data", () => {
  deepStrictEqual(parse("event: ping\n\n\n\nid: 1\n\n: comment\n\n"), []);
  // The dropped event's name does not leak into the next event.
  deepStrictEqual(parse("event: ping\n\ndata: 1\n\n"), [1]);
});

test("SSE discards an unterminated last event", () => {
  deepStrictEqual(parse("data: 1\n\ndata: 2\n"), [1]);
  deepStrictEqual(parse("data: 1\n\ndata: 2"), [1]);
  deepStrictEqual(parse("data: 1\n\ndata: 2\r"), [1]);
  deepStrictEqual(parse("data: 1\r\n\r\ndata: 2\r\n"), [1]);
});

test("SSE reads a line without a colon as a field with an empty value", () => {
  deepStrictEqual(parse("data: [\ndata\ndata: ]\n\nevent\ndata: 1\n\n"), [[], 1]);
});

test("SSE strips only one space after the colon", () => {
  deepStrictEqual(
    parse('data:  " two"\n\ndata:"none"\n\nevent:  x\ndata: 1\n\n'),
    [" two", "none", { event: " x", data: 1 }],
  );
});

test("SSE ignores unknown and differently cased field names", () => {
  deepStrictEqual(parse("Data: no\nfoo: bar\n data: no\nDATA\ndata: 1\n\n"), [1]);
});

test("SSE decodes a 1 MB data line in 16 KiB chunks exactly", () => {
  const payload = "sse é€😀 ".repeat(90_000).slice(0, 1_048_576);
  const text = `event: big\ndata: ${JSON.stringify(payload)}\n\ndata: "small"\n\n`;
  const chunks = chunk(encode(text), 16_384);
  strictEqual(chunks.length > 64, true);
  const events = decodeSse(chunks) as [{ event: string; data: string }, string];
  strictEqual(events.length, 2);
  strictEqual(events[0]?.event, "big");
  strictEqual(events[0]?.data === payload, true, "big data differs");
  deepStrictEqual(events[1], "small");
});

test("SSE treats an event with empty data as a keep-alive, not as a broken stream", () => {
  // A bare `data:` (or an event named `ping` with no data) is a common SSE heartbeat;
  // JSON has no empty value, so such an event carries nothing to report.
  deepStrictEqual(parse("data:\n\n", "event: ping\ndata:\n\n", "data: \n\n", 'data: {"a":1}\n\n'), [
    { a: 1 },
  ]);
});
