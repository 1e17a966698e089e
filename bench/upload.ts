/// <reference lib="deno.ns" />
/**
 * Upload throughput and memory: `files.upload()` of 1, 50 and 200 MB from a `ReadableStream` and
 * a `Blob` (of 64 KiB parts), of a 1 GiB `Blob` of one part, of a 50 MB and a 1 GiB `Uint8Array`
 * (which may cost one copy: the target is an RSS growth of at most 1.2 GiB) and of base64 text,
 * over a loopback socket to the emulator.
 *
 * The emulator runs in its own process (`src/testing/serve.ts`), so the bytes it receives, logs
 * and stores are not counted. Each upload runs in a fresh client process (this module, run with
 * arguments and `--expose-gc`): it builds the data (a `Blob`, the bytes or the base64 text exist
 * before the baseline; a stream makes its bytes as they are read), collects garbage, then samples
 * its memory every 2 ms while uploading. Reported is the peak growth over the baseline of the RSS
 * (everything, the runtime's fetch buffers included) and of the JavaScript heap plus external
 * memory (where a client that buffered the file, or built a string of it, would show it).
 *
 * @module
 */

import { inference } from "../mod.ts";
import type { BenchRow } from "./table.ts";

const MB = 1 << 20;
const GIB = 1 << 30;
const CHUNK = 64 * 1024;

/** One measured upload, as a client process reports it. */
interface Report {
  uri: string;
  ms: number;
  /** Peak growth of the process RSS, in bytes. */
  rssGrowth: number;
  /** Peak growth of the JavaScript heap plus external memory, in bytes. */
  jsGrowth: number;
}

const KINDS = ["ReadableStream", "Blob", "Blob (one part)", "Uint8Array", "base64 string"] as const;
type Kind = typeof KINDS[number];

/**
 * Measures uploads and returns one row per source and size. Each upload runs in a fresh client
 * process (with `--expose-gc`, collected before the baseline), against one emulator process.
 *
 * @example Print the upload benchmarks
 * ```ts ignore
 * printTable("Uploads", await benchUpload());
 * ```
 *
 * @returns Throughput and memory growth of each upload.
 */
export async function benchUpload(): Promise<BenchRow[]> {
  const server = await startEmulator();
  const cases: Array<[Kind, number]> = [];
  for (const size of [1 * MB, 50 * MB, 200 * MB]) {
    cases.push(["ReadableStream", size], ["Blob", size]);
  }
  cases.push(["Blob (one part)", GIB], ["Uint8Array", 50 * MB], ["Uint8Array", GIB]);
  cases.push(["base64 string", 1 * MB], ["base64 string", 50 * MB]);
  const rows: BenchRow[] = [];
  try {
    await uploadIn(server.base, "ReadableStream", MB); // warm-up: module cache, server JIT
    for (const [kind, size] of cases) {
      const response = await fetch(`${server.base}/__emulator/reset`, { method: "POST" });
      await response.body?.cancel();
      const report = await uploadIn(server.base, kind, size);
      const stored = await fetch(report.uri, { method: "HEAD" });
      await stored.body?.cancel();
      if (stored.headers.get("content-length") !== String(size)) {
        throw new Error(
          `${kind}: stored ${stored.headers.get("content-length")} bytes, not ${size}`,
        );
      }
      // Bytes may cost one copy (into the Blob that a retry resends): 1 GiB may grow the RSS by
      // 1.2 GiB at most, the copy plus the runtime's buffers.
      const target = kind === "Uint8Array" && size === GIB
        ? `; target RSS growth <= 1.2 GiB: ${report.rssGrowth <= 1.2 * GIB ? "met" : "MISSED"}`
        : "";
      rows.push({
        name: `${kind}, ${size / MB} MB`,
        value: `${(size / MB / (report.ms / 1000)).toFixed(0)} MB/s`,
        note: `memory growth: RSS +${mb(report.rssGrowth)} MB, JS heap+external +${
          mb(report.jsGrowth)
        } MB; ${report.ms.toFixed(0)} ms${target}`,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** Runs one upload in a fresh client process and returns what it measured. */
async function uploadIn(base: string, kind: Kind, size: number): Promise<Report> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      base,
      kind,
      String(size),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`the ${kind} upload failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout)) as Report;
}

/** In a client process: builds the data, collects garbage, then uploads it while sampling memory. */
async function measureUpload(base: string, kind: Kind, size: number): Promise<Report> {
  const client = inference({ apiKey: "bench", baseUrl: base });
  const chunk = pattern();
  const data = kind === "ReadableStream"
    ? generated(chunk, size)
    : kind === "Blob"
    ? new Blob(parts(chunk, size))
    : kind === "Blob (one part)"
    ? new Blob([new Uint8Array(size).fill(65)])
    : kind === "Uint8Array"
    ? new Uint8Array(size).fill(65)
    : base64Of(chunk, size);
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const before = Deno.memoryUsage();
  let peakRss = before.rss;
  let peakJs = before.heapUsed + before.external;
  const sample = () => {
    const now = Deno.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakJs = Math.max(peakJs, now.heapUsed + now.external);
  };
  const timer = setInterval(sample, 2);
  try {
    const start = performance.now();
    const file = await client.files.upload(data, {
      filename: "bench.bin",
      ...(kind === "ReadableStream" ? { size } : {}),
    });
    const ms = performance.now() - start;
    sample();
    return {
      uri: file.uri,
      ms,
      rssGrowth: peakRss - before.rss,
      jsGrowth: peakJs - before.heapUsed - before.external,
    };
  } finally {
    clearInterval(timer);
  }
}

if (import.meta.main) {
  const [base, kind, size] = Deno.args;
  if (!base || !KINDS.includes(kind as Kind) || !size) {
    throw new TypeError(`usage: upload.ts <base url> <${KINDS.join("|")}> <bytes>`);
  }
  const report = await measureUpload(base, kind as Kind, Number(size));
  // deno-lint-ignore no-console
  console.log(JSON.stringify(report));
}

/** Starts `serve.ts` on a free port in a child process; `stop()` ends that process. */
async function startEmulator(): Promise<{ base: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      new URL("../src/testing/serve.ts", import.meta.url).pathname,
      "--port",
      "0",
      "--step-ms",
      "0",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the emulator exited before printing its URL");
    text += value;
  }
  return {
    base: text.slice(0, text.indexOf("\n")).trim(),
    async stop() {
      child.kill("SIGTERM");
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}

function mb(bytes: number): string {
  return (Math.max(0, bytes) / MB).toFixed(1);
}

/** 64 KiB of printable bytes (so the emulator's text copy of the body stays one byte per char). */
function pattern(): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(CHUNK);
  for (let i = 0; i < CHUNK; i++) out[i] = 33 + ((i * 7919) % 94);
  return out;
}

/** A stream that makes `size` bytes on demand, one fresh 64 KiB chunk per pull. */
function generated(chunk: Uint8Array<ArrayBuffer>, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(CHUNK, size - sent);
      controller.enqueue(chunk.slice(0, n));
      sent += n;
    },
  }, { highWaterMark: 0 });
}

function parts(chunk: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer>[] {
  return Array.from(
    { length: Math.ceil(size / CHUNK) },
    (_, i) => chunk.subarray(0, Math.min(CHUNK, size - i * CHUNK)),
  );
}

function base64Of(chunk: Uint8Array<ArrayBuffer>, size: number): string {
  // 3 × 64 KiB per slice keeps each btoa input small and the slices free of padding.
  const triple = new Uint8Array(3 * CHUNK);
  triple.set(chunk, 0);
  triple.set(chunk, CHUNK);
  triple.set(chunk, 2 * CHUNK);
  const text = btoa(String.fromCharCode(...triple.subarray(0, 3 * 8192)));
  const pieces: string[] = [];
  let bytes = 0;
  while (bytes + 3 * 8192 <= size) {
    pieces.push(text);
    bytes += 3 * 8192;
  }
  if (bytes < size) pieces.push(btoa(String.fromCharCode(...triple.subarray(0, size - bytes))));
  return pieces.join("");
}
