/**
 * Turns what a caller hands to `upload()` into a body `fetch` can send, never
 * through a JavaScript string: a `Blob` is sent as is (so the runtime sends
 * `Content-Length`, which presigned storage URLs require, and streams it; a
 * large one is re-cut into 64 KiB slices, which copies nothing),
 * bytes are copied once into a `Blob` of 64 KiB parts, a `ReadableStream` is
 * streamed chunk by chunk where the runtime can stream a request body and
 * buffered into a `Blob` where it cannot (browsers), and base64 text or a data
 * URI is decoded in 64 KiB parts into a `Blob`. Any other string is refused:
 * text is uploaded as a `Blob`, never guessed at.
 *
 * @module
 */

import { decodeDataUri, isDataUri } from "./data_uri.ts";
import { BlobBuilder, decodeBase64, type DecodedParts } from "./decode.ts";

/** Bytes per part of the `Blob` a `Uint8Array` is copied into. */
const BLOB_PART = 64 * 1024;

/** A body ready to send, with what the data itself says about its name and type. */
export interface UploadSource {
  /**
   * `whole`: a `Blob`, sent as is on every attempt. `stream`: a single-use
   * stream, counted as it is read.
   */
  kind: "whole" | "stream";
  /** The body of a `whole` source. */
  whole: Blob | undefined;
  /** The stream of a `stream` source. */
  stream: ReadableStream<Uint8Array> | undefined;
  /** Size in bytes, when known (always, except for a stream without `size`). */
  size: number | undefined;
  /** The Blob's type or the data URI's media type, when present. */
  contentType: string | undefined;
  /** The File's name or the data URI's `name` parameter, when present. */
  filename: string | undefined;
}

let streamingOverride: boolean | undefined;
let streamingDetected: boolean | undefined;

/**
 * Whether this runtime streams a `ReadableStream` request body to the server
 * (Deno, Node, Bun, workerd). Browsers are treated as unable to: Chrome streams
 * only over HTTP/2 and fails on HTTP/1.1, Firefox and Safari not at all. Told
 * apart by `Content-Length`, which a browser's `Request` drops as forbidden.
 */
export function canStreamRequestBody(): boolean {
  if (streamingOverride !== undefined) return streamingOverride;
  if (streamingDetected !== undefined) return streamingDetected;
  streamingDetected = false;
  try {
    const body = new ReadableStream<Uint8Array>();
    const request = new Request("http://localhost/", {
      method: "PUT",
      body,
      headers: { "content-length": "0" },
      duplex: "half",
    } as RequestInit);
    // Without stream support the stream is stringified and typed text/plain.
    streamingDetected = !request.headers.has("content-type") &&
      request.headers.has("content-length");
    body.cancel().catch(() => {});
  } catch {
    // A runtime that rejects a stream body cannot stream one.
  }
  return streamingDetected;
}

/**
 * Forces {@linkcode canStreamRequestBody} (`undefined` restores detection), so
 * tests can take the buffered path. Internal.
 */
export function overrideStreamingSupport(value: boolean | undefined): void {
  streamingOverride = value;
}

/** Whether `value` is a `Blob` (a `File` included), across runtimes that lack `File`. */
export function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/** Whether `value` is a `ReadableStream` (duck-typed, so a polyfill's stream counts too). */
export function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof value === "object" && value !== null &&
    typeof (value as ReadableStream).getReader === "function" &&
    typeof (value as ReadableStream).pipeThrough === "function";
}

/**
 * Prepares `data` for upload; `what` names it in errors. A stream is buffered
 * here when the runtime cannot stream it (reading stops if `signal` aborts).
 *
 * @throws {TypeError} When `data` is of no accepted kind, or a string that is neither a data URI nor strict base64.
 * @throws {RangeError} When `size` disagrees with the data.
 */
export async function prepareSource(
  data: unknown,
  what: string,
  size: number | undefined,
  signal: AbortSignal | undefined,
): Promise<UploadSource> {
  const none = { stream: undefined, contentType: undefined, filename: undefined };
  if (typeof data === "string") {
    if (isDataUri(data)) {
      const uri = decodeDataUri(data, `Cannot upload file: ${what}`);
      return check(
        { ...none, kind: "whole", whole: uri.blob, size: uri.size, ...pick(uri) },
        size,
        what,
      );
    }
    const builder = new BlobBuilder();
    let decoded: DecodedParts;
    try {
      // Prose that starts with "data:" is no data URI: say so, not "unexpected ':'".
      if (data.startsWith("data:")) decodeDataUri(data, "it");
      decoded = decodeBase64(data, "it", { sink: builder.add });
    } catch (error) {
      throw new TypeError(
        `Cannot upload file: ${what} is neither a data: URI nor base64 (${
          (error as Error).message
        }); to upload text, pass it as a Blob: new Blob([text], { type: "text/plain" })`,
      );
    }
    return check(
      { ...none, kind: "whole", whole: builder.blob(), size: decoded.size },
      size,
      what,
    );
  }
  if (isBlob(data)) {
    const name = (data as { name?: unknown }).name;
    return check(
      {
        ...none,
        kind: "whole",
        whole: inParts(data),
        size: data.size,
        contentType: data.type || undefined,
        filename: typeof name === "string" && name !== "" ? name : undefined,
      },
      size,
      what,
    );
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    // One copy, into a Blob: a retry then resends what the caller passed even if the array
    // changes meanwhile. The Blob is made of 64 KiB parts because runtimes read a Blob body one
    // part at a time: Deno reads a one-part Blob whole, a second copy, and copies a Uint8Array
    // body twice (bench/upload.ts measures a 1 GiB upload). A Blob is sliced the same way.
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    return check(
      { ...none, kind: "whole", whole: inParts(bytes), size: bytes.byteLength },
      size,
      what,
    );
  }
  if (isReadableStream(data)) {
    if (data.locked) {
      throw new TypeError(`Cannot upload file: ${what} is a ReadableStream that is locked`);
    }
    if (canStreamRequestBody()) {
      return { ...none, kind: "stream", whole: undefined, stream: data, size };
    }
    const blob = await bufferStream(data, what, size, signal);
    return { ...none, kind: "whole", whole: blob, size: blob.size };
  }
  throw new TypeError(
    `Cannot upload file: ${what} must be a Blob, File, Uint8Array, ArrayBuffer, ReadableStream<Uint8Array>, data: URI or base64 string: got ${
      describeValue(data)
    }`,
  );
}

/**
 * A `Blob` of the same bytes in parts of at most 64 KiB, which runtimes read
 * one at a time when they send it (Deno reads each part whole). Bytes are
 * copied once; a `Blob` is sliced, which copies nothing.
 */
function inParts(data: Blob | Uint8Array): Blob {
  const length = data instanceof Uint8Array ? data.byteLength : data.size;
  if (length <= BLOB_PART && !(data instanceof Uint8Array)) return data;
  const parts: BlobPart[] = [];
  for (let at = 0; at < length; at += BLOB_PART) {
    parts.push(
      (data instanceof Uint8Array
        ? data.subarray(at, at + BLOB_PART)
        : data.slice(at, at + BLOB_PART)) as BlobPart,
    );
  }
  return new Blob(parts);
}

function pick(uri: { contentType: string | undefined; filename: string | undefined }) {
  return { contentType: uri.contentType, filename: uri.filename };
}

function check(source: UploadSource, size: number | undefined, what: string): UploadSource {
  if (size !== undefined && source.size !== undefined && size !== source.size) {
    throw new RangeError(
      `Cannot upload ${what}: 'size' is ${size} but the data has ${source.size} bytes`,
    );
  }
  return source;
}

/** Reads a whole stream into a `Blob` (only where request bodies cannot be streamed). */
async function bufferStream(
  stream: ReadableStream<Uint8Array>,
  what: string,
  size: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Blob> {
  const counter = new ChunkCounter(what, size);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const reader = stream.getReader();
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      signal?.throwIfAborted();
      chunks.push(counter.add(read.value) as Uint8Array<ArrayBuffer>);
    }
    signal?.throwIfAborted();
    counter.end();
    return new Blob(chunks);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

/** Checks a stream's chunks: bytes only, and exactly `size` of them when declared. */
export class ChunkCounter {
  readonly #what: string;
  readonly #size: number | undefined;
  /** Bytes seen so far. */
  loaded = 0;

  constructor(what: string, size: number | undefined) {
    this.#what = what;
    this.#size = size;
  }

  /** Counts one chunk; throws when it is not bytes or goes past `size`. */
  add(chunk: unknown): Uint8Array {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot upload ${this.#what}: the stream yielded ${describeValue(chunk)}, not a Uint8Array`,
      );
    }
    this.loaded += chunk.byteLength;
    if (this.#size !== undefined && this.loaded > this.#size) {
      throw new RangeError(
        `Cannot upload ${this.#what}: 'size' is ${this.#size} but the stream yielded more bytes`,
      );
    }
    return chunk;
  }

  /** Throws when the stream ended short of `size`. */
  end(): void {
    if (this.#size !== undefined && this.loaded !== this.#size) {
      throw new RangeError(
        `Cannot upload ${this.#what}: 'size' is ${this.#size} but the stream yielded ${this.loaded} bytes`,
      );
    }
  }
}

/** What a streamed body did during one upload. */
export interface StreamedBody {
  /** Whether the source was read at all; a read source cannot be sent again. */
  readonly started: boolean;
  /** The caller's mistake (wrong `size`, a non-byte chunk) that ended the body, if any. */
  readonly mistake: TypeError | RangeError | undefined;
  /** A body for the next attempt; the source is read only through it. */
  body(onChunk: (loaded: number) => void): ReadableStream<Uint8Array>;
  /**
   * Lets go of the source: cancels it when it was read but not to its end; an
   * unread source is only unlocked, so the caller may send it again.
   */
  release(): Promise<void>;
}

/**
 * Wraps a single-use stream so each attempt gets a fresh body over the same
 * reader. An attempt whose body was never pulled leaves the source untouched,
 * so a refused connection can still be retried.
 */
export function streamedBody(
  source: ReadableStream<Uint8Array>,
  what: string,
  size: number | undefined,
): StreamedBody {
  const reader = source.getReader();
  let started = false;
  let finished = false;
  let mistake: TypeError | RangeError | undefined;
  return {
    get started() {
      return started;
    },
    get mistake() {
      return mistake;
    },
    body(onChunk) {
      const counter = new ChunkCounter(what, size);
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          started = true;
          let read: ReadableStreamReadResult<Uint8Array>;
          try {
            read = await reader.read();
          } catch (error) {
            controller.error(error);
            return;
          }
          try {
            if (read.done) {
              counter.end();
              finished = true;
              controller.close();
              return;
            }
            controller.enqueue(counter.add(read.value));
            onChunk(counter.loaded);
          } catch (error) {
            mistake = error as TypeError | RangeError;
            controller.error(error);
          }
        },
        cancel(reason) {
          // An unread source stays usable for another attempt.
          if (started) return reader.cancel(reason);
        },
      }, { highWaterMark: 0 });
    },
    async release() {
      if (started && !finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
    },
  };
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "object") {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object" ? `a ${name}` : "an object";
  }
  if (typeof value === "function") return "a function";
  return String(value);
}
