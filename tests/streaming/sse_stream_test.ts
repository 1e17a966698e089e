import { test } from "node:test";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  chunk,
  collect,
  describeSplit,
  encode,
  everyPairCount,
  splits,
  streamOf,
} from "../_helpers.ts";
import {
  decodeSse,
  type ServerSentEvent,
  SseDecoderStream,
} from "../../src/streaming/sse_stream.ts";

/** Text chunks → SseDecoderStream, collected. */
function parse(...chunks: string[]): Promise<ServerSentEvent[]> {
  return collect(streamOf(chunks).pipeThrough(new SseDecoderStream()));
}

/** Asserts that every chunking of `text` (as UTF-8 bytes) through decodeSse gives `expected`. */
async function assertEverySplit(text: string, expected: ServerSentEvent[]): Promise<number> {
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(await collect(decodeSse(streamOf(chunks))), expected, describeSplit(chunks));
    count++;
  }
  return count;
}

test("decodeSse decodes the protocol's example stream the same at every chunk split", async () => {
  const a = '{"data":{"id":"task_01","status":7},"fields":["status"]}';
  const b =
    '{"data":{"id":"task_01","status":10,"output":{"ok":true}},"fields":["status","output"]}';
  await assertEverySplit(`: heartbeat\n\ndata: ${a}\n\ndata: ${b}\n\n`, [
    { event: "message", data: a },
    { event: "message", data: b },
  ]);
});

test("decodeSse handles fields, comments, CRLF and lone CR the same at every chunk split", async () => {
  const text = ":c\r\nevent: x\rid: 7\ndata: é😀\r\ndata:€\r\rretry: 50\n\ndata\n\n";
  const count = await assertEverySplit(
    text,
    [
      { event: "x", data: "é😀\n€", id: "7" },
      { event: "message", data: "", id: "7", retry: 50 },
    ],
  );
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("SseDecoderStream joins multi-line data with LF", async () => {
  deepStrictEqual(await parse("data: one\ndata: two\ndata:\ndata: four\n\n"), [
    { event: "message", data: "one\ntwo\n\nfour" },
  ]);
});

test("SseDecoderStream ignores comment lines", async () => {
  deepStrictEqual(await parse(": heartbeat\n\n", ":\n", "data: a\n: inside\ndata: b\n\n"), [
    { event: "message", data: "a\nb" },
  ]);
});

test("SseDecoderStream sets the event type, defaulting to message and resetting after dispatch", async () => {
  deepStrictEqual(
    await parse(
      "event: delta\ndata: 1\n\ndata: 2\n\nevent: a\nevent: b\ndata: 3\n\nevent:\ndata: 4\n\n",
    ),
    [
      { event: "delta", data: "1" },
      { event: "message", data: "2" },
      { event: "b", data: "3" },
      { event: "message", data: "4" },
    ],
  );
});

test("SseDecoderStream keeps the last event id across events and ignores ids containing NUL", async () => {
  deepStrictEqual(
    await parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\n"),
    [
      { event: "message", data: "a", id: "1" },
      { event: "message", data: "b", id: "1" },
      { event: "message", data: "c", id: "1" },
      { event: "message", data: "d", id: "" },
    ],
  );
});

test("SseDecoderStream sets the id even from an event that is not dispatched", async () => {
  deepStrictEqual(await parse("id: 9\n\ndata: a\n\n"), [{ event: "message", data: "a", id: "9" }]);
});

test("SseDecoderStream accepts retry only when it is all ASCII digits, and keeps it", async () => {
  deepStrictEqual(await parse("retry: 3000\n\ndata: a\n\n"), [
    { event: "message", data: "a", retry: 3000 },
  ]);
  for (const bad of ["-1", "1.5", "15a", " 15", "", "١٢", "1e3", "+5"]) {
    deepStrictEqual(
      await parse(`retry: ${bad}\ndata: a\n\n`),
      [{ event: "message", data: "a" }],
      bad,
    );
  }
  deepStrictEqual(await parse("retry: 10\ndata: a\n\nretry: x\ndata: b\n\nretry:0\ndata: c\n\n"), [
    { event: "message", data: "a", retry: 10 },
    { event: "message", data: "b", retry: 10 },
    { event: "message", data: "c", retry: 0 },
  ]);
});

test("SseDecoderStream ends lines at CRLF, LF and lone CR, also split across chunks", async () => {
  const expected = [{ event: "message", data: "a\nb" }, { event: "message", data: "c" }];
  deepStrictEqual(await parse("data: a\r\ndata: b\r\n\r\ndata: c\n\n"), expected);
  deepStrictEqual(await parse("data: a\rdata: b\r\rdata: c\r\r"), expected);
  // A CR ending a chunk followed by LF opening the next is one line break, not a blank line.
  deepStrictEqual(await parse("data: a\r", "\ndata: b\r", "\n\r", "\ndata: c\r", "\r"), expected);
  deepStrictEqual(await parse("data: a\r", "", "\ndata: b\r", "\r", "data: c\n", "\n"), expected);
});

test("SseDecoderStream drops one leading BOM and no other", async () => {
  deepStrictEqual(await parse("\uFEFFdata: a\n\n"), [{ event: "message", data: "a" }]);
  deepStrictEqual(await parse("", "\uFEFF", "data: a\n\n"), [{ event: "message", data: "a" }]);
  // A second BOM, or one later in the stream, makes the field name unknown.
  deepStrictEqual(await parse("\uFEFF\uFEFFdata: a\n\n"), []);
  deepStrictEqual(await parse("data: a\n\n\uFEFFdata: b\n\n"), [{ event: "message", data: "a" }]);
});

test("decodeSse drops exactly one leading UTF-8 BOM, at every chunk split", async () => {
  await assertEverySplit("\uFEFFdata: a😀\n\n", [{ event: "message", data: "a😀" }]);
  deepStrictEqual(await collect(decodeSse(streamOf([encode("\uFEFF\uFEFFdata: a\n\n")]))), []);
});

test("SseDecoderStream dispatches nothing for an event without data", async () => {
  deepStrictEqual(await parse("event: ping\n\n\n\nid: 1\n\n: comment\n\n"), []);
  // The dropped event's type does not leak into the next event.
  deepStrictEqual(await parse("event: ping\n\ndata: x\n\n"), [{ event: "message", data: "x" }]);
});

test("SseDecoderStream dispatches an empty data field", async () => {
  deepStrictEqual(await parse("data\n\ndata:\n\ndata: \n\n"), [
    { event: "message", data: "" },
    { event: "message", data: "" },
    { event: "message", data: "" },
  ]);
});

test("SseDecoderStream discards an unterminated last event", async () => {
  deepStrictEqual(await parse("data: a\n\ndata: b\n"), [{ event: "message", data: "a" }]);
  deepStrictEqual(await parse("data: a\n\ndata: b"), [{ event: "message", data: "a" }]);
  deepStrictEqual(await parse("data: a\n\ndata: b\r"), [{ event: "message", data: "a" }]);
  deepStrictEqual(await parse("data: a\r\n\r\ndata: b\r\n"), [{ event: "message", data: "a" }]);
});

test("SseDecoderStream reads a line without a colon as a field with an empty value", async () => {
  deepStrictEqual(await parse("data\ndata\n\nevent\ndata: x\n\n"), [
    { event: "message", data: "\n" },
    { event: "message", data: "x" },
  ]);
});

test("SseDecoderStream strips only one space after the colon", async () => {
  deepStrictEqual(
    await parse("data:  two\n\ndata:none\n\ndata:\ttab\n\ndata: a: b:c \n\nevent:  x\ndata: y\n\n"),
    [
      { event: "message", data: " two" },
      { event: "message", data: "none" },
      { event: "message", data: "\ttab" },
      { event: "message", data: "a: b:c " },
      { event: " x", data: "y" },
    ],
  );
});

test("SseDecoderStream ignores unknown and differently cased field names", async () => {
  deepStrictEqual(await parse("Data: no\nfoo: bar\n data: no\nDATA\ndata: yes\n\n"), [
    { event: "message", data: "yes" },
  ]);
});

test("decodeSse decodes a 1 MB data line in 16 KiB chunks exactly", async () => {
  const payload = "sse é€😀 ".repeat(90_000).slice(0, 1_048_576);
  const chunks = chunk(encode(`event: big\ndata: ${payload}\n\ndata: small\n\n`), 16_384);
  strictEqual(chunks.length > 64, true);
  const events = await collect(decodeSse(streamOf(chunks)));
  strictEqual(events.length, 2);
  strictEqual(events[0]?.event, "big");
  strictEqual(events[0]?.data === payload, true, "big data differs");
  deepStrictEqual(events[1], { event: "message", data: "small" });
});
