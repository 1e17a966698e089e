import { test } from "node:test";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  chunk,
  collect,
  concat,
  describeSplit,
  encode,
  everyPairCount,
  splits,
  streamOf,
} from "../_helpers.ts";
import {
  LineDecoderStream,
  type LineDecoderStreamOptions,
  LineSplitter,
} from "../../src/streaming/line_stream.ts";

/** Bytes → TextDecoderStream → LineDecoderStream, collected. */
function decodeBytes(chunks: Uint8Array[], options?: LineDecoderStreamOptions): Promise<string[]> {
  return collect(
    streamOf(chunks)
      .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
      .pipeThrough(new LineDecoderStream(options)),
  );
}

/** Text chunks → LineDecoderStream, collected. */
function decodeText(chunks: string[], options?: LineDecoderStreamOptions): Promise<string[]> {
  return collect(streamOf(chunks).pipeThrough(new LineDecoderStream(options)));
}

/** Asserts that every chunking of `text` (as UTF-8 bytes) decodes to `expected`. */
async function assertEverySplit(
  text: string,
  expected: string[],
  options?: LineDecoderStreamOptions,
): Promise<number> {
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(await decodeBytes(chunks, options), expected, describeSplit(chunks));
    count++;
  }
  return count;
}

test("LineDecoderStream splits LF, CRLF, blank and final lines the same at every chunk split", async () => {
  const text = "héllo\r\n€uro\n\nsmile 😀\r\n\r\nlast 𝄞";
  const count = await assertEverySplit(text, [
    "héllo",
    "€uro",
    "",
    "smile 😀",
    "",
    "last 𝄞",
  ]);
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("LineDecoderStream keeps a 4-byte UTF-8 character split across chunks", async () => {
  const bytes = encode("a😀b\n😀");
  strictEqual(bytes.length, 11);
  for (let cut = 1; cut < bytes.length; cut++) {
    const chunks = [bytes.slice(0, cut), bytes.slice(cut)];
    deepStrictEqual(await decodeBytes(chunks), ["a😀b", "😀"], describeSplit(chunks));
  }
});

test("LineDecoderStream keeps 2- and 3-byte UTF-8 characters split across chunks", async () => {
  await assertEverySplit("é€\n€é\r\nx", ["é€", "€é", "x"]);
  deepStrictEqual(await decodeBytes(Array.from(encode("ñ€"), (b) => Uint8Array.of(b))), ["ñ€"]);
});

test("LineDecoderStream joins a CRLF split across chunks into one line break", async () => {
  deepStrictEqual(await decodeText(["a\r", "\nb\r", "\n"]), ["a", "b"]);
  deepStrictEqual(await decodeText(["a\r", "", "\nb"]), ["a", "b"]);
});

test("LineDecoderStream keeps a lone CR in the line by default, also at a chunk boundary", async () => {
  deepStrictEqual(await decodeText(["a\rb\n"]), ["a\rb"]);
  deepStrictEqual(await decodeText(["a\r", "b\n"]), ["a\rb"]);
  deepStrictEqual(await decodeText(["a\r", "\r", "\n"]), ["a\r"]);
  await assertEverySplit("x\ry\r\r\nz\r", ["x\ry\r", "z\r"]);
});

test("LineDecoderStream with allowCR ends lines at a lone CR at every chunk split", async () => {
  await assertEverySplit("a\rb\r\nc\n\rd\r\re😀\r", ["a", "b", "c", "", "d", "", "e😀"], {
    allowCR: true,
  });
});

test("LineSplitter with allowCR emits a line at a chunk-final CR and skips the LF after it", () => {
  const lines: string[] = [];
  const splitter = new LineSplitter({ allowCR: true });
  splitter.push("one\r", (line) => lines.push(line));
  // The line is complete as soon as the CR arrives; the next chunk only decides about the LF.
  deepStrictEqual(lines, ["one"]);
  splitter.push("", (line) => lines.push(line));
  splitter.push("\ntwo\r", (line) => lines.push(line));
  splitter.push("\r", (line) => lines.push(line));
  splitter.end((line) => lines.push(line));
  deepStrictEqual(lines, ["one", "two", ""]);
});

test("LineDecoderStream emits a final unterminated line, and no empty line after a final LF", async () => {
  deepStrictEqual(await decodeText(["first\nlast"]), ["first", "last"]);
  deepStrictEqual(await decodeText(["first\n"]), ["first"]);
  deepStrictEqual(await decodeText(["la", "st"]), ["last"]);
  deepStrictEqual(await decodeText([]), []);
  deepStrictEqual(await decodeText([""]), []);
});

test("LineDecoderStream keeps blank lines", async () => {
  deepStrictEqual(await decodeText(["\n\n\r\n"]), ["", "", ""]);
  deepStrictEqual(await decodeText(["\n", "\n", "\r", "\n"]), ["", "", ""]);
  deepStrictEqual(await decodeText(["\r\r\n\n"], { allowCR: true }), ["", "", ""]);
});

test("LineDecoderStream decodes a 1 MB line in 16 KiB chunks exactly", async () => {
  // Multi-byte characters make the 16 KiB cuts fall inside characters too.
  const line = "0123456789abcdef é€😀 ".repeat(40_000).slice(0, 1_048_576);
  const chunks = chunk(encode(`${line}\nnext\n${line}`), 16_384);
  strictEqual(chunks.length > 64, true);
  const lines = await decodeBytes(chunks);
  strictEqual(lines.length, 3);
  strictEqual(lines[0] === line, true, "first line differs");
  strictEqual(lines[1], "next");
  strictEqual(lines[2] === line, true, "final unterminated line differs");
});

test("LineDecoderStream decodes a line spanning many one-character chunks", async () => {
  const text = "x".repeat(20_000);
  const lines = await decodeText([...text.split(""), "\r", "\n", "y"]);
  strictEqual(lines.length, 2);
  strictEqual(lines[0] === text, true);
  strictEqual(lines[1], "y");
});

test("LineDecoderStream splits many lines in one chunk", async () => {
  const expected = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
  deepStrictEqual(await decodeText([expected.join("\r\n")]), expected);
  deepStrictEqual(await decodeText([expected.join("\r")], { allowCR: true }), expected);
});

test("splits() yields the whole, every cut, every pair of cuts and bytewise, all rejoining", () => {
  const bytes = encode("abcde");
  const seen = new Set<string>();
  for (const chunks of splits(bytes)) {
    deepStrictEqual(concat(chunks), bytes);
    strictEqual(chunks.every((piece) => piece.length > 0), true);
    seen.add(chunks.map((piece) => piece.length).join(","));
  }
  deepStrictEqual(
    [...seen].sort(),
    [
      "1,1,1,1,1",
      "1,1,3",
      "1,2,2",
      "1,3,1",
      "1,4",
      "2,1,2",
      "2,2,1",
      "2,3",
      "3,1,1",
      "3,2",
      "4,1",
      "5",
    ].sort(),
  );
  strictEqual(everyPairCount("abcde"), seen.size);
  // Long inputs get single cuts and bytewise only.
  const long = new Uint8Array(500);
  let count = 0;
  for (const _ of splits(long)) count++;
  strictEqual(count, 1 + 499 + 1);
});
