// infsh/image and the /__files route: a real PNG, served without auth.
import { test } from "node:test";
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { crc32 } from "../../src/testing/files/png.ts";
import { concat, fastEmulator, MISSING_ID, run, waitTerminal } from "./_helpers.ts";

interface PngChunk {
  type: string;
  data: Uint8Array;
  crc: number;
}

function readChunks(png: Uint8Array): PngChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: PngChunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    out.push({
      type,
      data: png.subarray(at + 8, at + 8 + length),
      crc: view.getUint32(at + 8 + length),
    });
    at += 12 + length;
  }
  return out;
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  // "deflate" here is the zlib format, so this also checks the Adler-32.
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return concat(parts);
}

test("infsh/image outputs a URL on the request's origin to a valid PNG of the asked size", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/image", { width: 40, height: 25 });
    const done = await waitTerminal(emulator, task.id);
    strictEqual(done.status, 10);
    const url = (done.output as { image: string }).image;
    match(url, /^https:\/\/[^/]+\/__files\/[0-7][0-9a-hjkmnp-tv-z]{25}\/image\.png/);
    const response = await emulator.fetch(url); // no Authorization: like a CDN URL
    strictEqual(response.status, 200);
    strictEqual(response.headers.get("content-type"), "image/png");
    const png = new Uint8Array(await response.arrayBuffer());
    strictEqual(response.headers.get("content-length"), String(png.length));
    deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks = readChunks(png);
    deepStrictEqual(chunks.map((chunk) => chunk.type), ["IHDR", "IDAT", "IEND"]);
    for (const chunk of chunks) {
      const typed = concat([new TextEncoder().encode(chunk.type), chunk.data]);
      strictEqual(chunk.crc, crc32(typed), `${chunk.type} CRC`);
    }
    const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
    strictEqual(ihdr.getUint32(0), 40);
    strictEqual(ihdr.getUint32(4), 25);
    strictEqual(ihdr.getUint8(8), 8);
    strictEqual(ihdr.getUint8(9), 2);
    const raw = await inflate(chunks[1]!.data);
    strictEqual(raw.length, 25 * (1 + 40 * 3));
  } finally {
    emulator.close();
  }
});

test("infsh/image defaults to 64×64 and /__files answers 404 for unknown files", async () => {
  const emulator = fastEmulator();
  try {
    const task = await run(emulator, "infsh/image");
    const done = await waitTerminal(emulator, task.id);
    const url = new URL((done.output as { image: string }).image);
    const png = new Uint8Array(await (await emulator.fetch(url)).arrayBuffer());
    const view = new DataView(png.buffer);
    strictEqual(view.getUint32(16), 64);
    strictEqual(view.getUint32(20), 64);
    const head = await emulator.fetch(url, { method: "HEAD" });
    strictEqual(head.status, 200);
    strictEqual(await head.text(), "");
    const missing = await emulator.fetch(`${url.origin}/__files/${MISSING_ID}/image.png`);
    strictEqual(missing.status, 404);
    strictEqual((await missing.json()).code, "not_found");
    const renamed = await emulator.fetch(`${url.href.replace(/image\.png.*$/, "other.png")}`);
    strictEqual(renamed.status, 404);
    await renamed.body?.cancel();
  } finally {
    emulator.close();
  }
});
