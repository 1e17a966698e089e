import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LineTooLongError, StreamError } from "../../mod.ts";
import {
  decoderFor,
  NdjsonValueDecoder,
  SseValueDecoder,
  type ValueDecoder,
} from "../../src/streaming/values.ts";
import { encode } from "../_helpers.ts";

/** Feeds `text` cut at every `step` bytes and returns the values. */
function decode(decoder: ValueDecoder, text: string, step = Infinity): unknown[] {
  const bytes = encode(text);
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i += Math.min(step, bytes.length)) {
    decoder.push(bytes.subarray(i, i + step), out);
  }
  decoder.end(out);
  return out;
}

describe("NdjsonValueDecoder", () => {
  const text = '{"a":1}\r\n\n  \n{"b":"ü🌍"}\n{"c":[1,2]}';
  for (const step of [1, 2, 3, 7, Infinity]) {
    it(`parses lines (CRLF, blank, multi-byte, unterminated last) cut every ${step} bytes`, () => {
      const values = decode(new NdjsonValueDecoder(1024, "read"), text, step);
      assert.deepEqual(values, [{ a: 1 }, { b: "ü🌍" }, { c: [1, 2] }]);
    });
  }

  it("rejects a line that is not JSON with a StreamError", () => {
    assert.throws(() => decode(new NdjsonValueDecoder(1024, "read"), "{oops\n"), StreamError);
  });

  for (const step of [1, 5, Infinity]) {
    it(`takes a line of exactly the cap and refuses one byte more (chunks of ${step})`, () => {
      const line = `"${"x".repeat(8)}"`; // 10 bytes
      assert.deepEqual(decode(new NdjsonValueDecoder(10, "read"), `${line}\n${line}\n`, step), [
        "xxxxxxxx",
        "xxxxxxxx",
      ]);
      const error = (() => {
        try {
          decode(new NdjsonValueDecoder(10, "follow task"), `${line}\n"${"x".repeat(9)}"\n`, step);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(error instanceof LineTooLongError, String(error));
      assert.equal(error.maxLineBytes, 10);
      assert.match(error.message, /follow task.*maxLineBytes \(10 bytes\)/);
    });
  }

  it("refuses an endless line as soon as it passes the cap, without a newline", () => {
    const decoder = new NdjsonValueDecoder(100, "read");
    const out: unknown[] = [];
    decoder.push(encode("x".repeat(60)), out);
    assert.throws(() => decoder.push(encode("x".repeat(60)), out), LineTooLongError);
  });
});

describe("SseValueDecoder", () => {
  const text = '\ufeff: heartbeat\n\ndata: {"status":7}\n\nevent: delta\r\ndata: {"seq":1,\r\n' +
    'data: "x":2}\r\n\r\nevent: message\rdata:[1]\r\rdata: "unended"';
  for (const step of [1, 3, Infinity]) {
    it(`dispatches events (comments, CR, CRLF, multi-line data, BOM) cut every ${step} bytes`, () => {
      const values = decode(new SseValueDecoder(1024, "read"), text, step);
      assert.deepEqual(values, [{ status: 7 }, { event: "delta", data: { seq: 1, x: 2 } }, [1]]);
    });
  }

  it("caps one event's data", () => {
    const lines = Array.from({ length: 10 }, () => `data: ${"1".repeat(20)}`).join("\n");
    assert.throws(() => decode(new SseValueDecoder(100, "read"), `${lines}\n\n`), LineTooLongError);
  });
});

describe("decoderFor", () => {
  it("picks SSE for text/event-stream, NDJSON otherwise, and refuses HTML", () => {
    assert.ok(decoderFor("text/event-stream; charset=utf-8", 10, "x") instanceof SseValueDecoder);
    assert.ok(decoderFor("application/x-ndjson", 10, "x") instanceof NdjsonValueDecoder);
    assert.ok(decoderFor(null, 10, "x") instanceof NdjsonValueDecoder);
    assert.throws(() => decoderFor("text/html", 10, "follow task"), /follow task.*text\/html/);
  });
});
