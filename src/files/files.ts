/**
 * The files resource: uploads in the API's two steps, `POST /files` (the file
 * record and a presigned upload URL) and a `PUT` of the raw bytes to that URL.
 *
 * @module
 */

import {
  InferenceError,
  type InferenceErrorOptions,
  UploadError,
  type UploadStep,
} from "../errors.ts";
import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import { checkListParams, CursorList, listPages, type ListParams } from "../lists/cursor_list.ts";
import { contentTypeFromFilename, isMediaType, OCTET_STREAM } from "./content_type.ts";
import type { FileObject, UploadData, UploadOptions } from "./types.ts";
import { describeValue, prepareSource, streamedBody, type UploadSource } from "./upload_source.ts";

/** Extra time a body the SDK cannot watch gets per byte: 10 s per MB (100 kB/s). */
const MS_PER_BYTE = 1 / 100;

/**
 * Uploads files. Reach it as `client.files`.
 *
 * @example Upload bytes and use the file in a task
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const file = await client.files.upload(new TextEncoder().encode("hello"), {
 *   filename: "hello.txt",
 * });
 * const task = await client.tasks.run({ app: "infsh/file-info", input: { file: file.uri } });
 * console.log(task.output); // { file: { size: 5, content_type: "text/plain", sha256: "2cf2…", … } }
 * emulator.close();
 * ```
 */
export class Files {
  readonly #http: HttpClient;

  /**
   * Created by the client; use `client.files`.
   *
   * @ignore
   */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Uploads a file and returns it as the API recorded it; put its `uri` into a
   * task's input. (`tasks.run` does this by itself for `Blob`s, bytes and data
   * URIs in the input.)
   *
   * The data never passes through a JavaScript string: a `Blob` is sent as is
   * (with its length), bytes are copied once into a `Blob`, a `ReadableStream`
   * is streamed where the runtime can stream a request body (Deno, Node, Bun,
   * workerd; a browser buffers it), and base64 or a data URI is decoded in
   * 64 KiB parts. A string must be a data URI or strict base64 (padded, one
   * alphabet): text is uploaded as a `Blob`, never guessed at. The content type, first
   * of: `contentType`, the Blob's type or data URI's media type, the file
   * extension, `application/octet-stream`, is both recorded and sent with the
   * PUT. The PUT carries no API key and none of the client's headers; it is
   * retried on transient failures unless a stream's bytes were already read.
   *
   * @example Upload a stream of known size, with progress
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const body = new Blob(["a,b\n1,2\n"]).stream();
   * const file = await client.files.upload(body, {
   *   filename: "table.csv",
   *   size: 8,
   *   onProgress: ({ loaded, total }) => console.log(`${loaded}/${total}`),
   * });
   * console.log(file.uri, file.content_type); // …/__files/<file id>/table.csv text/csv
   * emulator.close();
   * ```
   *
   * @param data A `Blob`/`File`, a `Uint8Array`/`ArrayBuffer`, a `ReadableStream<Uint8Array>`, a `data:` URI, or base64 text (for text itself, a `Blob`).
   * @param options Name, content type, visibility, storage path, stream size, progress and per-call overrides.
   * @returns The file record from `POST /files` (`uri`, `id`, `content_type`, …).
   * @throws {TypeError} For data of no accepted kind, a string that is neither a data URI nor strict base64, or a bad option, before any request.
   * @throws {RangeError} When `size` disagrees with the data.
   * @throws {UploadError} When `POST /files` (`step: "create"`) or the PUT (`step: "upload"`) failed.
   */
  async upload(data: UploadData, options: UploadOptions = {}): Promise<FileObject> {
    checkOptions(options);
    const what = "'data'";
    const source = await prepareSource(data, what, options.size, options.signal);
    try {
      return await uploadSource(this.#http, source, options);
    } catch (error) {
      throw this.#http.redact(error);
    }
  }

  /**
   * Reads a file record.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.files.upload(new Blob(["hi"]), { filename: "hi.txt" });
   * console.log((await client.files.get(id)).filename); // hi.txt
   * emulator.close();
   * ```
   *
   * @throws {NotFoundError} When there is no such file.
   */
  async get(id: string, options: RequestOptions = {}): Promise<FileObject> {
    return await this.#http.json<FileObject>({
      method: "GET",
      path: `/files/${segment(id)}`,
      action: `get file "${id}"`,
      retry: "idempotent",
      expect: "object-with-id",
      ...options,
    });
  }

  /**
   * Lists your files, newest first: iterate it to get every file (pages are
   * fetched as needed), or take one page with `.page()`.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * await client.files.upload(new Blob(["hi"]), { filename: "hi.txt" });
   * for await (const file of client.files.list({ limit: 50 })) console.log(file.filename);
   * emulator.close();
   * ```
   *
   * @throws {RangeError} When `limit` is not a whole number >= 1.
   */
  list(params: ListParams = {}, options: RequestOptions = {}): CursorList<FileObject> {
    return new CursorList(
      listPages<FileObject>(this.#http, "/files/list", "files"),
      checkListParams(params, "files"),
      options,
    );
  }

  /**
   * Deletes a file. Safe to repeat on transient failures.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.files.upload(new Blob(["hi"]), { filename: "hi.txt" });
   * await client.files.delete(id);
   * emulator.close();
   * ```
   *
   * @throws {NotFoundError} When there is no such file.
   */
  async delete(id: string, options: RequestOptions = {}): Promise<void> {
    await this.#http.json<unknown>({
      method: "DELETE",
      path: `/files/${segment(id)}`,
      action: `delete file "${id}"`,
      retry: "idempotent",
      ...options,
    });
  }
}

function checkOptions(options: UploadOptions): void {
  const fail = (field: string, problem: string, value: unknown): never => {
    throw new TypeError(`Cannot upload file: '${field}' ${problem}: got ${describeValue(value)}`);
  };
  if (typeof options !== "object" || options === null) {
    fail("options", "must be an object", options);
  }
  const { filename, contentType, path, size, onProgress } = options;
  if (filename !== undefined && (typeof filename !== "string" || filename === "")) {
    fail("filename", "must be a non-empty string", filename);
  }
  if (contentType !== undefined && (typeof contentType !== "string" || !isMediaType(contentType))) {
    fail("contentType", 'must be a media type like "image/png"', contentType);
  }
  if (options.public !== undefined && typeof options.public !== "boolean") {
    fail("public", "must be a boolean", options.public);
  }
  if (path !== undefined && (typeof path !== "string" || path === "")) {
    fail("path", "must be a non-empty string", path);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    fail("onProgress", "must be a function", onProgress);
  }
  if (size !== undefined && (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)) {
    throw new RangeError(
      `Cannot upload file: 'size' must be a whole number of bytes >= 0: got ${describeValue(size)}`,
    );
  }
}

/** The two steps of an upload, for a prepared source. */
async function uploadSource(
  http: HttpClient,
  source: UploadSource,
  options: UploadOptions,
): Promise<FileObject> {
  const { signal } = options;
  const filename = options.filename ?? source.filename;
  const contentType = options.contentType ?? source.contentType ??
    contentTypeFromFilename(filename) ?? OCTET_STREAM;
  const label = filename === undefined ? "file" : `file "${filename}"`;
  const partial: Record<string, unknown> = { uri: "" };
  if (filename !== undefined) partial["filename"] = filename;
  partial["content_type"] = contentType;
  if (options.path !== undefined) partial["path"] = options.path;
  if (source.size !== undefined) partial["size"] = source.size;
  if (options.public !== undefined) partial["public"] = options.public;

  const streamed = source.kind === "stream"
    ? streamedBody(source.stream as ReadableStream<Uint8Array>, "'data'", source.size)
    : undefined;
  try {
    let file: FileObject;
    try {
      const created = await http.json<unknown>({
        method: "POST",
        path: "/files",
        body: { files: [partial] },
        action: `create the record of ${label}`,
        retry: "create",
        signal,
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
      });
      file = readCreated(created, label);
    } catch (error) {
      throw stepError(error, "create", label, signal);
    }
    // The PUT must carry the type the record holds: a presigned URL may sign it.
    const recorded = typeof file.content_type === "string" && file.content_type !== ""
      ? file.content_type
      : contentType;
    const total = source.size;
    const report = options.onProgress;
    const timeoutMs = options.timeoutMs ?? http.config.timeoutMs;
    let sent = 0;
    try {
      await http.put({
        url: file.upload_url as string,
        action: `upload the bytes of ${label}`,
        // A streamed body's declared length lets Node (undici) send Content-Length rather than
        // chunks, as presigned storage requires; Deno streams it chunked regardless.
        headers: streamed && total !== undefined
          ? { "content-type": recorded, "content-length": String(total) }
          : { "content-type": recorded },
        body: (touch) => {
          report?.({ loaded: 0, total });
          if (!streamed) return source.whole as Blob;
          return streamed.body((loaded) => {
            touch();
            sent = loaded;
            report?.({ loaded, total });
          });
        },
        canRetry: streamed ? () => !streamed.started : undefined,
        signal,
        // A whole body's progress is invisible: allow for its size.
        timeoutMs: streamed ? timeoutMs : timeoutMs + Math.ceil((total ?? 0) * MS_PER_BYTE),
        maxRetries: options.maxRetries,
      });
    } catch (error) {
      if (streamed?.mistake) throw streamed.mistake;
      throw stepError(error, "upload", label, signal);
    }
    const size = total ?? sent;
    report?.({ loaded: size, total: size });
    // A stream of unknown size was recorded before its size was known.
    return total === undefined ? { ...file, size } : file;
  } finally {
    await streamed?.release();
  }
}

/** The first file of the `POST /files` answer, checked to have a usable upload URL. */
function readCreated(created: unknown, label: string): FileObject {
  const file = Array.isArray(created) ? created[0] : created;
  const fail = (problem: string): never => {
    throw new InferenceError(`Cannot create the record of ${label}: ${problem}`);
  };
  if (typeof file !== "object" || file === null) fail("the API answered no file");
  const { upload_url: uploadUrl, uri } = file as FileObject;
  if (typeof uploadUrl !== "string" || !/^https?:\/\//i.test(uploadUrl)) {
    fail(`the API answered no http(s) upload_url: got ${describeValue(uploadUrl)}`);
  }
  if (typeof uri !== "string" || uri === "") fail("the API answered no uri");
  return file as FileObject;
}

/** Wraps a step's failure; the caller's abort passes through as is. */
function stepError(
  error: unknown,
  step: UploadStep,
  label: string,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof UploadError) return error;
  const answer = error instanceof InferenceError ? answerFields(error) : {};
  const reason = error instanceof Error ? error.message : String(error);
  const where = step === "create" ? "POST /files" : "the PUT to storage";
  return new UploadError(`Cannot upload ${label}: ${where} failed: ${reason}`, {
    ...answer,
    cause: error,
    step,
  });
}

/** What an API error says about the answer, for an error that wraps it. */
export function answerFields(error: InferenceError): InferenceErrorOptions {
  const { status, code, title, detail, body, problem } = error;
  return { status, code, title, detail, body, problem };
}
