/**
 * Wire and option types of file uploads.
 *
 * @module
 */

import type { RequestOptions } from "../http/core.ts";

/**
 * A file as the API returns it (`FileDTO`): `uri` is what task inputs take.
 * Only the fields most callers use are spelled out; every other field the API
 * sends is kept as is.
 *
 * @example
 * ```ts
 * import type { FileObject } from "@inferencesh/sdk/types";
 * function show(file: FileObject) {
 *   console.log(file.uri, file.content_type, file.size);
 * }
 * ```
 */
export interface FileObject {
  /** File id, e.g. `3k9d2wq7mz5c8v1n4r6t0x2b7h`. */
  id: string;
  /** Where the file can be read; put it in a task's input. */
  uri: string;
  /** The presigned URL the bytes were uploaded to. */
  "upload_url"?: string | undefined;
  /** The file's name. */
  filename?: string | undefined;
  /** The media type recorded for the file, e.g. `image/png`. */
  "content_type"?: string | undefined;
  /** Size in bytes, when it was declared. */
  size?: number | undefined;
  /** The storage path, when one was asked for. */
  path?: string | undefined;
  /** `"public"` or `"private"`. */
  visibility?: string | undefined;
  /** When the file was created (RFC 3339). */
  "created_at"?: string | undefined;
  /** Every other field of the API's FileDTO. */
  [field: string]: unknown;
}

/**
 * What {@linkcode Files.upload} accepts: a `Blob` or `File`; bytes; a
 * `ReadableStream` of bytes; a `data:` URI; or any other string, read as
 * base64 (standard or URL-safe alphabet, padding optional).
 *
 * @example
 * ```ts
 * import type { UploadData } from "@inferencesh/sdk/types";
 * const inputs: UploadData[] = [
 *   new Blob(["hello"], { type: "text/plain" }),
 *   new Uint8Array([1, 2, 3]),
 *   "data:text/plain,hello",
 *   "aGVsbG8=",
 * ];
 * ```
 */
export type UploadData =
  | Blob
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | string;

/**
 * How far an upload got, reported to {@linkcode UploadOptions.onProgress}.
 *
 * @example
 * ```ts
 * import type { UploadProgress } from "@inferencesh/sdk/types";
 * const show = ({ loaded, total }: UploadProgress) =>
 *   console.log(total ? `${Math.round((100 * loaded) / total)} %` : `${loaded} bytes`);
 * ```
 */
export interface UploadProgress {
  /** Bytes handed to `fetch` so far in this attempt (a retry starts again from 0). */
  loaded: number;
  /** The file's size, when known (always, except for a stream without `size`). */
  total: number | undefined;
}

/**
 * Options of {@linkcode Files.upload}. `timeoutMs` bounds each step: the
 * `POST /files` call, and the PUT of the bytes while no byte moves (for a body
 * the SDK cannot watch, a `Blob` sent whole, the limit grows by 10 s per MB).
 *
 * @example
 * ```ts
 * import type { UploadOptions } from "@inferencesh/sdk/types";
 * const options: UploadOptions = {
 *   filename: "photo.png",
 *   public: false,
 *   onProgress: ({ loaded, total }) => console.log(loaded, total),
 * };
 * ```
 */
export interface UploadOptions extends RequestOptions {
  /**
   * The file's name; also decides the content type when nothing else does.
   * @default {the `File`'s name, or a data URI's `name` parameter; none otherwise}
   */
  filename?: string | undefined;
  /**
   * The media type recorded for the file, and sent as the PUT's `Content-Type`.
   * @default {the Blob's type, else the data URI's, else from the file extension, else "application/octet-stream"}
   */
  contentType?: string | undefined;
  /**
   * Make the file readable by anyone with its URI. Left out, the API decides
   * (private).
   */
  public?: boolean | undefined;
  /** A storage path to put the file under, e.g. `"/inputs/run-7"`. */
  path?: string | undefined;
  /**
   * Size of a `ReadableStream` in bytes: declared to the API, sent as the
   * PUT's `Content-Length` where the runtime honours it for a stream (Node;
   * Deno sends a stream chunked, which storage that insists on a length
   * refuses: pass a `Blob` there), and checked against what the stream yields.
   * For other data, whose size is known, it must match if given.
   */
  size?: number | undefined;
  /** Called as bytes are handed over, and once more with `loaded === total` when done. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
}
