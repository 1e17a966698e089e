import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeDataUri, isDataUri } from "../../src/files/data_uri.ts";
import {
  BlobBuilder,
  decodeBase64,
  type DecodedParts,
  decodePercent,
} from "../../src/files/decode.ts";
import { base64, bytesOf } from "./_helpers.ts";

function joined({ parts, size }: DecodedParts): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  assert.equal(at, size, "the parts add up to the size");
  return out;
}

describe("decodeBase64()", () => {
  it("matches atob for every length from 0 to 300 and across part boundaries", () => {
    for (
      const n of [...Array.from({ length: 301 }, (_, i) => i), 65_534, 65_535, 65_536, 200_000]
    ) {
      const bytes = bytesOf(n, n + 1);
      const text = base64(bytes);
      assert.deepEqual(joined(decodeBase64(text, "x")), bytes, `${n} bytes`);
      const unpadded = text.replace(/=+$/, "");
      const forgiving = { mode: "forgiving" } as const;
      assert.deepEqual(joined(decodeBase64(unpadded, "x", forgiving)), bytes, `${n}, unpadded`);
      const urlSafe = text.replaceAll("+", "-").replaceAll("/", "_");
      assert.deepEqual(joined(decodeBase64(urlSafe, "x")), bytes, `${n}, URL-safe`);
    }
  });

  it("produces parts of at most 64 KiB, never one buffer of the whole size", () => {
    const decoded = decodeBase64(base64(bytesOf(1 << 20)), "x");
    assert.equal(decoded.size, 1 << 20);
    assert.ok(decoded.parts.length >= 16);
    assert.ok(decoded.parts.every((part) => part.buffer.byteLength <= 65_536));
  });

  it("accepts the URL-safe alphabet and line breaks, and decodes a range", () => {
    assert.deepEqual(joined(decodeBase64("-_8=", "x")), new Uint8Array([0xfb, 0xff]));
    assert.deepEqual(
      joined(decodeBase64("aGVs\r\nbG8=\n", "x")),
      new TextEncoder().encode("hello"),
    );
    assert.deepEqual(
      joined(decodeBase64("xxaGk=yy", "x", { start: 2, end: 6 })),
      new TextEncoder().encode("hi"),
    );
  });

  it("forgives spaces and missing padding in forgiving mode (data URIs), like browsers", () => {
    const forgiving = { mode: "forgiving" } as const;
    assert.deepEqual(
      joined(decodeBase64(" aG\tVs\r\nbG8\n", "x", forgiving)),
      new TextEncoder().encode("hello"),
    );
    assert.throws(() => decodeBase64("aG=", "x", forgiving), /padding expected/);
    assert.throws(() => decodeBase64("a", "x", forgiving), /lone final character/);
  });

  it("rejects what is not base64, saying where", () => {
    const cases: Array<[string, RegExp]> = [
      ["aGk*", /unexpected "\*" at character 3/],
      ["a", /lone final character at character 1/],
      ["a===", /misplaced "=" at character 1/],
      ["aG==x", /"x" after "=" at character 4/],
      ["aGk==", /misplaced "=" at character 4/],
      ["é", /unexpected "é"/],
      ["aG k=", /unexpected " " at character 2/],
      ["aGk", /missing "=" padding/],
      ["-_8", /missing "=" padding/],
      ["aG=", /2 "=" of padding expected, 1 found/],
      ["aGl=", /unused bits/],
      ["aR==", /unused bits/],
      ["+-==", /mixes the standard/],
      ["a_b/", /mixes the standard/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => decodeBase64(text, "'data'"), (e: unknown) => {
        return e instanceof TypeError && /^'data' is not valid base64/.test(e.message) &&
          message.test(e.message);
      }, text);
    }
  });
});

describe("BlobBuilder", () => {
  it("keeps the bytes and their order across batches", async () => {
    const builder = new BlobBuilder();
    const decoded = decodeBase64(base64(bytesOf(3 << 20)), "x", { sink: builder.add });
    assert.deepEqual(decoded.parts, [], "the parts went to the sink");
    const blob = builder.blob();
    assert.equal(blob.size, 3 << 20);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), bytesOf(3 << 20));
  });
});

describe("decodePercent()", () => {
  it("turns %XX into bytes and everything else into UTF-8, keeping a stray %", () => {
    assert.deepEqual(
      joined(decodePercent("a%20b%ff%G1%")),
      new Uint8Array([0x61, 0x20, 0x62, 0xff, 0x25, 0x47, 0x31, 0x25]),
    );
  });

  it("never cuts a surrogate pair between runs", () => {
    const text = "a".repeat(16 * 1024 - 1) + "😀" + "b";
    assert.deepEqual(joined(decodePercent(text)), new TextEncoder().encode(text));
  });
});

describe("data URIs", () => {
  it("recognises well-formed headers only", () => {
    for (
      const yes of [
        "data:,x",
        "data:text/plain,x",
        "DATA:;base64,eA==",
        "data:a/b;charset=utf-8;name=x.txt,y",
      ]
    ) {
      assert.equal(isDataUri(yes), true, yes);
    }
    for (
      const no of [
        "data:",
        "data: 42 rows, read",
        "data:text,x",
        "data:image/png;base64",
        "metadata:,x",
        "data:text/plain;a=\r\nX-Evil: 1,x",
      ]
    ) {
      assert.equal(isDataUri(no), false, no);
    }
  });

  it("reads the media type, its parameters and a name", async () => {
    const uri = decodeDataUri("data:Text/Plain;charset=utf-8;name=my%20notes.txt;base64,aGk=", "x");
    assert.equal(uri.contentType, "text/plain;charset=utf-8");
    assert.equal(uri.filename, "my notes.txt");
    assert.equal(uri.size, 2);
    const plain = decodeDataUri("data:,a%2Cb", "x");
    assert.equal(plain.contentType, undefined);
    assert.deepEqual(
      new Uint8Array(await plain.blob.arrayBuffer()),
      new TextEncoder().encode("a,b"),
    );
  });
});
