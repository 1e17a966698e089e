/**
 * Newline-delimited JSON (NDJSON) decoding, as sent by `GET /tasks/{id}/stream`.
 *
 * @module
 */

import { StreamError } from "../errors.ts";
import { LineDecoderStream } from "./line_stream.ts";

/**
 * Parses a stream of lines as NDJSON: one JSON value per line. Lines that are empty after
 * trimming are skipped. A line that is not valid JSON errors the stream with a
 * {@linkcode StreamError} that keeps an excerpt of the line, because one bad line means the rest
 * of the stream cannot be trusted.
 *
 * @typeParam T The type each line is asserted to have; it is not validated.
 *
 * @example Parse lines into objects
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const lines = new ReadableStream<string>({
 *   start(controller) {
 *     for (const line of ['{"type":"heartbeat"}', "", '{"data":{"status":7}}']) {
 *       controller.enqueue(line);
 *     }
 *     controller.close();
 *   },
 * });
 * const reader = lines.pipeThrough(new NdjsonDecoderStream()).getReader();
 * deepStrictEqual((await reader.read()).value, { type: "heartbeat" });
 * deepStrictEqual((await reader.read()).value, { data: { status: 7 } });
 * ```
 */
export class NdjsonDecoderStream<T = unknown> extends TransformStream<string, T> {
  /** Creates an NDJSON decoder that expects one line per chunk. */
  constructor() {
    super({
      transform(line, controller) {
        if (line.trim() === "") return;
        let value: T;
        try {
          value = JSON.parse(line) as T;
        } catch (cause) {
          const reason = cause instanceof Error ? cause.message : String(cause);
          throw new StreamError(`Cannot parse NDJSON line: ${reason}`, { line, cause });
        }
        controller.enqueue(value);
      },
    });
  }
}

/**
 * Decodes an NDJSON byte stream (a response body) into values: UTF-8 text, split into lines on
 * `\n` or `\r\n`, each non-blank line parsed as JSON.
 *
 * @typeParam T The type each line is asserted to have; it is not validated.
 * @param body The raw bytes, for example `response.body`.
 * @returns A stream of parsed values, which errors with a {@linkcode StreamError} on a bad line.
 *
 * @example Decode a task stream body
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const body = new Response('{"status":7}\n{"status":10}\n').body!;
 * const reader = decodeNdjson<{ status: number }>(body).getReader();
 * deepStrictEqual((await reader.read()).value, { status: 7 });
 * deepStrictEqual((await reader.read()).value, { status: 10 });
 * ```
 */
export function decodeNdjson<T = unknown>(body: ReadableStream<Uint8Array>): ReadableStream<T> {
  return body
    // TypeScript's DOM lib types TextDecoderStream's writable side as BufferSource, which
    // does not accept Uint8Array<ArrayBufferLike>; the runtime accepts it.
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .pipeThrough(new LineDecoderStream())
    .pipeThrough(new NdjsonDecoderStream<T>());
}
