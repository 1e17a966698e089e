import { test } from "node:test";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { chunk, concat, describeSplit, encode, everyPairCount, splits } from "../_helpers.ts";
import { LineSplitter, type LineSplitterOptions } from "../../src/streaming/line_stream.ts";

/** Bytes → a streaming TextDecoder → LineSplitter, collected. */
function decodeBytes(chunks: Uint8Array[], options?: LineSplitterOptions): string[] {
  const decoder = new TextDecoder();
  return split(chunks.map((bytes) => decoder.decode(bytes, { stream: true })), options);
}

/** Text chunks → LineSplitter, collected. */
function decodeText(chunks: string[], options?: LineSplitterOptions): string[] {
  return split(chunks, options);
}

function split(chunks: string[], options?: LineSplitterOptions): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter(options);
  for (const text of chunks) splitter.push(text, (line) => lines.push(line));
  splitter.end((line) => lines.push(line));
  return lines;
}

/** Asserts that every chunking of `text` (as UTF-8 bytes) decodes to `expected`. */
function assertEverySplit(
  text: string,
  expected: string[],
  options?: LineSplitterOptions,
): number {
  let count = 0;
  for (const chunks of splits(encode(text))) {
    deepStrictEqual(decodeBytes(chunks, options), expected, describeSplit(chunks));
    count++;
  }
  return count;
}

test("LineSplitter splits LF, CRLF, blank and final lines the same at every chunk split", () => {
  const text = "héllo\r\n€uro\n\nsmile 😀\r\n\r\nlast 𝄞";
  const count = assertEverySplit(text, [
    "héllo",
    "€uro",
    "",
    "smile 😀",
    "",
    "last 𝄞",
  ]);
  strictEqual(count, everyPairCount(text), "the sample is too long for every pair of cuts");
});

test("LineSplitter keeps a 4-byte UTF-8 character split across chunks", () => {
  const bytes = encode("a😀b\n😀");
  strictEqual(bytes.length, 11);
  for (let cut = 1; cut < bytes.length; cut++) {
    const chunks = [bytes.slice(0, cut), bytes.slice(cut)];
    deepStrictEqual(decodeBytes(chunks), ["a😀b", "😀"], describeSplit(chunks));
  }
});

test("LineSplitter keeps 2- and 3-byte UTF-8 characters split across chunks", () => {
  assertEverySplit("é€\n€é\r\nx", ["é€", "€é", "x"]);
  deepStrictEqual(decodeBytes(Array.from(encode("ñ€"), (b) => Uint8Array.of(b))), ["ñ€"]);
});

test("LineSplitter joins a CRLF split across chunks into one line break", () => {
  deepStrictEqual(decodeText(["a\r", "\nb\r", "\n"]), ["a", "b"]);
  deepStrictEqual(decodeText(["a\r", "", "\nb"]), ["a", "b"]);
});

test("LineSplitter keeps a lone CR in the line by default, also at a chunk boundary", () => {
  deepStrictEqual(decodeText(["a\rb\n"]), ["a\rb"]);
  deepStrictEqual(decodeText(["a\r", "b\n"]), ["a\rb"]);
  deepStrictEqual(decodeText(["a\r", "\r", "\n"]), ["a\r"]);
  assertEverySplit("x\ry\r\r\nz\r", ["x\ry\r", "z\r"]);
});

test("LineSplitter with allowCR ends lines at a lone CR at every chunk split", () => {
  assertEverySplit("a\rb\r\nc\n\rd\r\re😀\r", ["a", "b", "c", "", "d", "", "e😀"], {
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

test("LineSplitter emits a final unterminated line, and no empty line after a final LF", () => {
  deepStrictEqual(decodeText(["first\nlast"]), ["first", "last"]);
  deepStrictEqual(decodeText(["first\n"]), ["first"]);
  deepStrictEqual(decodeText(["la", "st"]), ["last"]);
  deepStrictEqual(decodeText([]), []);
  deepStrictEqual(decodeText([""]), []);
});

test("LineSplitter keeps blank lines", () => {
  deepStrictEqual(decodeText(["\n\n\r\n"]), ["", "", ""]);
  deepStrictEqual(decodeText(["\n", "\n", "\r", "\n"]), ["", "", ""]);
  deepStrictEqual(decodeText(["\r\r\n\n"], { allowCR: true }), ["", "", ""]);
});

test("LineSplitter decodes a 1 MB line in 16 KiB chunks exactly", () => {
  // Multi-byte characters make the 16 KiB cuts fall inside characters too.
  const line = "0123456789abcdef é€😀 ".repeat(40_000).slice(0, 1_048_576);
  const chunks = chunk(encode(`${line}\nnext\n${line}`), 16_384);
  strictEqual(chunks.length > 64, true);
  const lines = decodeBytes(chunks);
  strictEqual(lines.length, 3);
  strictEqual(lines[0] === line, true, "first line differs");
  strictEqual(lines[1], "next");
  strictEqual(lines[2] === line, true, "final unterminated line differs");
});

test("LineSplitter decodes a line spanning many one-character chunks", () => {
  const text = "x".repeat(20_000);
  const lines = decodeText([...text.split(""), "\r", "\n", "y"]);
  strictEqual(lines.length, 2);
  strictEqual(lines[0] === text, true);
  strictEqual(lines[1], "y");
});

test("LineSplitter splits many lines in one chunk", () => {
  const expected = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
  deepStrictEqual(decodeText([expected.join("\r\n")]), expected);
  deepStrictEqual(decodeText([expected.join("\r")], { allowCR: true }), expected);
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
