/**
 * Server-Sent Events decoding, following the WHATWG HTML "event stream interpretation".
 *
 * @module
 */

import { LineSplitter } from "./line_stream.ts";

/** One event dispatched by a Server-Sent Events stream. */
export interface ServerSentEvent {
  /** The event type: the last `event:` field of the event, or `"message"`. */
  event: string;
  /** The `data:` lines of the event, joined by `\n`. */
  data: string;
  /** The last event id the stream set (ids persist across events), if it ever set one. */
  id?: string | undefined;
  /** The reconnection time in milliseconds the stream last set with `retry:`, if any. */
  retry?: number | undefined;
}

const BOM = 0xfeff;
const DIGITS = /^[0-9]+$/;

/**
 * Parses text into Server-Sent Events, as the WHATWG HTML standard specifies:
 *
 * - lines end with `\r\n`, `\n` or a lone `\r`, and one leading byte order mark is dropped;
 * - lines starting with `:` are comments;
 * - `field:value` loses one space after the colon, and a line without a colon is a field with an
 *   empty value;
 * - `data` lines accumulate, `event` names the event, `id` (unless it contains NUL) and `retry`
 *   (only if all ASCII digits) persist across events; other fields are ignored;
 * - a blank line dispatches the event, unless it has no `data` line;
 * - an event that the stream does not end with a blank line is discarded.
 *
 * @example Parse an event stream
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const text = new ReadableStream<string>({
 *   start(controller) {
 *     controller.enqueue(": heartbeat\n\nevent: delta\nid: 1\ndata: {\"a\":1}\n\n");
 *     controller.close();
 *   },
 * });
 * const reader = text.pipeThrough(new SseDecoderStream()).getReader();
 * deepStrictEqual((await reader.read()).value, { event: "delta", data: '{"a":1}', id: "1" });
 * ```
 */
export class SseDecoderStream extends TransformStream<string, ServerSentEvent> {
  /** Creates a Server-Sent Events decoder. */
  constructor() {
    const splitter = new LineSplitter({ allowCR: true });
    let started = false;
    let data: string[] = [];
    let eventType = "";
    let lastEventId: string | undefined;
    let retry: number | undefined;

    const onLine = (
      line: string,
      controller: TransformStreamDefaultController<ServerSentEvent>,
    ): void => {
      if (line === "") {
        // Dispatch. An event without data is dropped, but its type is reset all the same.
        if (data.length > 0) {
          const event: ServerSentEvent = {
            event: eventType === "" ? "message" : eventType,
            data: data.join("\n"),
          };
          if (lastEventId !== undefined) event.id = lastEventId;
          if (retry !== undefined) event.retry = retry;
          controller.enqueue(event);
        }
        data = [];
        eventType = "";
        return;
      }
      if (line.charCodeAt(0) === 0x3a) return; // ":" starts a comment
      const colon = line.indexOf(":");
      let field = line;
      let value = "";
      if (colon !== -1) {
        field = line.slice(0, colon);
        // Only one space is part of the syntax; any further spaces belong to the value.
        value = line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
      }
      switch (field) {
        case "data":
          data.push(value);
          break;
        case "event":
          eventType = value;
          break;
        case "id":
          if (!value.includes("\0")) lastEventId = value;
          break;
        case "retry":
          if (DIGITS.test(value)) retry = Number(value);
          break;
      }
    };

    super({
      transform(chunk, controller) {
        if (!started && chunk.length > 0) {
          started = true;
          if (chunk.charCodeAt(0) === BOM) chunk = chunk.slice(1);
        }
        splitter.push(chunk, (line) => onLine(line, controller));
      },
      // Nothing to flush: per the standard, an event not ended by a blank line is discarded.
    });
  }
}

/**
 * Decodes a Server-Sent Events byte stream (a `text/event-stream` response body) into events.
 *
 * @param body The raw bytes, for example `response.body`.
 * @returns A stream of the dispatched events.
 *
 * @example Decode an event stream body
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const body = new Response('data: {"status":7}\n\ndata: {"status":10}\n\n').body!;
 * const reader = decodeSse(body).getReader();
 * deepStrictEqual((await reader.read()).value, { event: "message", data: '{"status":7}' });
 * deepStrictEqual((await reader.read()).value, { event: "message", data: '{"status":10}' });
 * ```
 */
export function decodeSse(body: ReadableStream<Uint8Array>): ReadableStream<ServerSentEvent> {
  // ignoreBOM keeps the decoder from eating the BOM, so SseDecoderStream drops exactly one,
  // as the standard says; the casts work around the DOM lib's BufferSource typing.
  const decoder = new TextDecoderStream("utf-8", { ignoreBOM: true });
  return body
    .pipeThrough(decoder as unknown as ReadableWritablePair<string, Uint8Array>)
    .pipeThrough(new SseDecoderStream());
}
