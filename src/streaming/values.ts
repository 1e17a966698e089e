/**
 * Push decoders that turn the byte chunks of a stream body into JSON values, with
 * a cap on the size of one line: NDJSON (one value per line) and Server-Sent
 * Events (one value per event's `data`). They are plain classes fed chunk by
 * chunk (no web-stream pipe between the socket and `JSON.parse`), because that
 * pipe and its per-line promises were where the followers' time went.
 *
 * @module
 */

import { StreamError } from "../errors.ts";
import { LineTooLongError } from "./errors.ts";
import { LineSplitter } from "./line_stream.ts";

const LF = 0x0a;
const CR = 0x0d;
/** The options of every streaming `decode` call, allocated once. */
const STREAM: TextDecodeOptions = { stream: true };

/**
 * The cap on one line (or one event) of a followed stream, unless `maxLineBytes`
 * says otherwise: large enough for real outputs inlined in a task update.
 */
export const DEFAULT_MAX_LINE_BYTES: number = 64 * 1024 * 1024;

/** Decodes a stream body chunk by chunk into values. */
export interface ValueDecoder {
  /** Decodes one chunk, appending each complete value to `out`; throws on a bad or huge line. */
  push(bytes: Uint8Array, out: unknown[]): void;
  /** Ends the body, appending a final value that had no terminator (NDJSON only). */
  end(out: unknown[]): void;
}

/**
 * Picks the decoder for a stream response by its `content-type`: Server-Sent
 * Events for `text/event-stream`, NDJSON otherwise. An HTML answer (a proxy's
 * or a captive portal's page) is a {@linkcode StreamError}.
 */
export function decoderFor(
  contentType: string | null,
  maxLineBytes: number,
  action: string,
): ValueDecoder {
  const type = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  if (type === "text/event-stream") return new SseValueDecoder(maxLineBytes, action);
  if (type === "text/html" || type === "application/xhtml+xml") {
    throw new StreamError(
      `Cannot ${action}: the stream was answered with ${type}, not NDJSON or Server-Sent Events`,
    );
  }
  return new NdjsonValueDecoder(maxLineBytes, action);
}

function tooLong(action: string, maxLineBytes: number): LineTooLongError {
  return new LineTooLongError(
    `Cannot ${action}: a stream line passed maxLineBytes (${maxLineBytes} bytes) without ending`,
    maxLineBytes,
  );
}

function badJson(action: string, text: string, cause: unknown): StreamError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StreamError(`Cannot ${action}: a stream line is not JSON: ${reason}`, {
    line: text,
    cause,
  });
}

/**
 * NDJSON: lines end with `\n` (a `\r` before it is JSON whitespace), blank lines
 * are skipped, anything else must be JSON. One `TextDecoder`, an `indexOf` scan,
 * and the fragments of an unfinished line joined once when it ends.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const decoder = new NdjsonValueDecoder(1024, "read");
 * const out: unknown[] = [];
 * const bytes = new TextEncoder().encode('{"a":1}\n\n{"b"');
 * decoder.push(bytes, out);
 * decoder.push(new TextEncoder().encode(":2}"), out);
 * decoder.end(out);
 * deepStrictEqual(out, [{ a: 1 }, { b: 2 }]);
 * ```
 */
export class NdjsonValueDecoder implements ValueDecoder {
  readonly #decoder = new TextDecoder();
  readonly #max: number;
  readonly #action: string;
  #pending: string[] = [];
  /** Bytes of the unfinished line so far. */
  #pendingBytes = 0;

  /** Creates a decoder whose lines may be at most `maxLineBytes` long. */
  constructor(maxLineBytes: number, action: string) {
    this.#max = maxLineBytes;
    this.#action = action;
  }

  /** Decodes one chunk. */
  push(bytes: Uint8Array, out: unknown[]): void {
    const last = bytes.lastIndexOf(LF);
    if (last === -1) {
      this.#pendingBytes += bytes.length;
      if (this.#pendingBytes > this.#max) throw this.#overflow();
      const text = this.#decoder.decode(bytes, STREAM);
      if (text !== "") this.#pending.push(text);
      return;
    }
    // Only a chunk that could hold a line over the cap is measured line by line.
    if (this.#pendingBytes + last > this.#max) this.#measure(bytes);
    const text = this.#decoder.decode(bytes, STREAM);
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      let line = text.slice(start, newline);
      if (this.#pending.length > 0) {
        this.#pending.push(line);
        line = this.#pending.join("");
        this.#pending = [];
      }
      if (line.length > 0) this.#parse(line, out);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) this.#pending.push(text.slice(start));
    this.#pendingBytes = bytes.length - last - 1;
    if (this.#pendingBytes > this.#max) throw this.#overflow();
  }

  /** Ends the body; a last line without `\n` still counts. */
  end(out: unknown[]): void {
    const tail = this.#decoder.decode();
    if (tail !== "") this.#pending.push(tail);
    if (this.#pending.length === 0) return;
    const line = this.#pending.join("");
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#parse(line, out);
  }

  #parse(line: string, out: unknown[]): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      if (line.trim() === "") return;
      throw badJson(this.#action, line, cause);
    }
    out.push(value);
  }

  /** Throws when one of the lines of `bytes` (the first continues the pending one) is too long. */
  #measure(bytes: Uint8Array): void {
    let start = 0;
    let carried = this.#pendingBytes;
    for (let newline = bytes.indexOf(LF); newline !== -1; newline = bytes.indexOf(LF, start)) {
      if (carried + newline - start > this.#max) throw this.#overflow();
      carried = 0;
      start = newline + 1;
    }
  }

  #overflow(): LineTooLongError {
    this.#pending = [];
    return tooLong(this.#action, this.#max);
  }
}

/**
 * Server-Sent Events whose `data` is JSON: an event named `message` (or unnamed)
 * gives its data, a named event gives `{event, data}` (the NDJSON form of a named
 * event); comments (heartbeats) give nothing. The cap applies to one line and to
 * the data of one event.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const decoder = new SseValueDecoder(1024, "read");
 * const out: unknown[] = [];
 * const text = ': heartbeat\n\ndata: {"status":7}\n\nevent: delta\ndata: {"seq":1}\n\n';
 * decoder.push(new TextEncoder().encode(text), out);
 * deepStrictEqual(out, [{ status: 7 }, { event: "delta", data: { seq: 1 } }]);
 * ```
 */
export class SseValueDecoder implements ValueDecoder {
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  readonly #splitter = new LineSplitter({ allowCR: true });
  readonly #max: number;
  readonly #action: string;
  #pendingBytes = 0;
  #started = false;
  #data: string[] = [];
  #dataLength = 0;
  #event = "";
  #out: unknown[] = [];
  readonly #onLine = (line: string): void => this.#line(line);

  /** Creates a decoder whose lines and events may be at most `maxLineBytes` long. */
  constructor(maxLineBytes: number, action: string) {
    this.#max = maxLineBytes;
    this.#action = action;
  }

  /** Decodes one chunk. */
  push(bytes: Uint8Array, out: unknown[]): void {
    const last = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
    if (last === -1) {
      this.#pendingBytes += bytes.length;
    } else {
      if (this.#pendingBytes + last > this.#max) this.#measure(bytes);
      this.#pendingBytes = bytes.length - last - 1;
    }
    if (this.#pendingBytes > this.#max) throw tooLong(this.#action, this.#max);
    let text = this.#decoder.decode(bytes, STREAM);
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#out = out;
    this.#splitter.push(text, this.#onLine);
  }

  /** Ends the body: an event without its closing blank line is dropped, as the standard says. */
  end(_out: unknown[]): void {}

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) this.#dispatch();
      this.#data = [];
      this.#dataLength = 0;
      this.#event = "";
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // ":" a comment, such as a heartbeat
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === "data") {
      this.#dataLength += value.length + 1;
      if (this.#dataLength > this.#max) throw tooLong(this.#action, this.#max);
      this.#data.push(value);
    } else if (field === "event") {
      this.#event = value;
    }
  }

  #dispatch(): void {
    const text = this.#data.length === 1 ? this.#data[0]! : this.#data.join("\n");
    // Empty data (`data:` alone, a common keep-alive) is no JSON value: nothing to report.
    if (text.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw badJson(this.#action, text, cause);
    }
    const name = this.#event;
    this.#out.push(name === "" || name === "message" ? data : { event: name, data });
  }

  #measure(bytes: Uint8Array): void {
    let carried = this.#pendingBytes;
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte !== LF && byte !== CR) continue;
      if (carried + i - start > this.#max) throw tooLong(this.#action, this.#max);
      carried = 0;
      start = i + 1;
    }
  }
}
