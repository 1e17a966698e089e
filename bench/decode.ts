/**
 * Decoder throughput: NDJSON with huge and with small lines, and Server-Sent Events, all fed as
 * 16 KiB chunks, to show that decoding stays linear in the input whatever the line length. It
 * measures the decoders every follower uses (`NdjsonValueDecoder`, `SseValueDecoder`), fed chunk
 * by chunk as the follow engine feeds them.
 *
 * @module
 */

import {
  DEFAULT_MAX_LINE_BYTES,
  NdjsonValueDecoder,
  SseValueDecoder,
  type ValueDecoder,
} from "../src/streaming/values.ts";
import type { BenchRow } from "./table.ts";

const MB = 1 << 20;
const CHUNK = 16 * 1024;
const RUNS = 5;

/**
 * Measures the NDJSON and SSE decoders and returns one row per measurement.
 *
 * @example Print the decode benchmarks
 * ```ts ignore
 * printTable("Decode", await benchDecode());
 * ```
 *
 * @returns Throughputs, and the time ratio of a 16 MB line to a 1 MB line (≈16 when linear).
 */
export async function benchDecode(): Promise<BenchRow[]> {
  const ndjson = () => new NdjsonValueDecoder(DEFAULT_MAX_LINE_BYTES, "bench");
  const sseDecoder = () => new SseValueDecoder(DEFAULT_MAX_LINE_BYTES, "bench");
  const oneLine = await measure(chunked(bigLine(1 * MB)), ndjson);
  const bigLineTime = await measure(chunked(bigLine(16 * MB)), ndjson);
  const updates = await measure(chunked(ndjsonUpdates(16 * MB)), ndjson);
  const sse = await measure(chunked(sseEvents(16 * MB)), sseDecoder);
  const ratio = bigLineTime.ms / oneLine.ms;
  return [
    row("NDJSON, one 1 MB line", oneLine),
    row("NDJSON, one 16 MB line", bigLineTime),
    {
      name: "NDJSON, time(16 MB line) / time(1 MB line)",
      value: `${ratio.toFixed(1)}×`,
      note: "≈16 means linear; re-splitting the whole buffer on every chunk would be quadratic",
    },
    row("NDJSON, 16 MB of ~200-byte update lines", updates),
    row("SSE, 16 MB of small events", sse),
  ];
}

interface Measurement {
  /** Median time of one full decode, in ms. */
  ms: number;
  bytes: number;
  items: number;
}

/** Decodes `chunks` once to warm up, then RUNS times, and keeps the median time. */
function measure(chunks: Uint8Array[], decoder: () => ValueDecoder): Promise<Measurement> {
  const bytes = chunks.reduce((total, chunk) => total + chunk.length, 0);
  let items = decode(chunks, decoder());
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    items = decode(chunks, decoder());
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Promise.resolve({ ms: times[Math.floor(RUNS / 2)]!, bytes, items });
}

function row(name: string, m: Measurement): BenchRow {
  const throughput = m.bytes / MB / (m.ms / 1000);
  return {
    name,
    value: `${throughput.toFixed(0)} MB/s`,
    note: `${(m.bytes / MB).toFixed(1)} MB, ${m.items} ${m.items === 1 ? "value" : "values"}, ${
      m.ms.toFixed(1)
    } ms`,
  };
}

/** Feeds `chunks` to `decoder` one by one, as the engine does, and counts the values. */
function decode(chunks: Uint8Array[], decoder: ValueDecoder): number {
  const out: unknown[] = [];
  let count = 0;
  for (const chunk of chunks) {
    decoder.push(chunk, out);
    count += out.length;
    out.length = 0;
  }
  decoder.end(out);
  return count + out.length;
}

function chunked(text: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    chunks.push(bytes.subarray(offset, offset + CHUNK));
  }
  return chunks;
}

/** Pseudo-random base64-like text, as a large image or file output would carry. */
function payload(length: number, seed = 1): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const out = new Array<string>(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = alphabet[x & 63]!;
  }
  return out.join("");
}

/** One NDJSON line of `size` bytes, newline included: a task update with a huge output. */
function bigLine(size: number): string {
  const head = '{"data":{"id":"task_01","status":10,"output":{"image":"';
  const tail = '"}},"fields":["status","output"]}\n';
  return head + payload(size - head.length - tail.length) + tail;
}

/** About `size` bytes of ~200-byte NDJSON lines mixing deltas, partial updates and heartbeats. */
function ndjsonUpdates(size: number): string {
  const lines: string[] = [];
  let total = 0;
  for (let seq = 0; total < size; seq++) {
    const line = seq % 10 === 9
      ? '{"type":"heartbeat"}'
      : seq % 3 === 0
      ? `{"data":{"id":"task_01","status":7,"updated_at":"2026-01-15T10:30:03Z","logs":"${
        payload(60, seq)
      }"},"fields":["status","updated_at","logs"]}`
      : `{"event":"delta","data":{"delta":{"response":"${
        payload(120, seq)
      }"},"seq":${seq},"resource_id":"msg_01"}}`;
    lines.push(line);
    total += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

/** About `size` bytes of small SSE events: ids, named events, comments as heartbeats. */
function sseEvents(size: number): string {
  const events: string[] = [];
  let total = 0;
  for (let seq = 0; total < size; seq++) {
    const event = seq % 10 === 9
      ? ": heartbeat\n\n"
      : `id: ${seq}\nevent: delta\ndata: {"delta":{"response":"${
        payload(100, seq)
      }"},"seq":${seq}}\n\n`;
    events.push(event);
    total += event.length;
  }
  return events.join("");
}
