/**
 * Uploads the files found in a task's input before the task is created, and
 * replaces each with its `uri`.
 *
 * What counts as a file: a `Blob` (a `File` too), a `Uint8Array`, an
 * `ArrayBuffer`, a `ReadableStream`, and a string that is a well-formed `data:`
 * URI. No other string is ever taken for a file: base64 is not guessed (a
 * 64-character SHA-256 hex digest passes through untouched).
 *
 * What else the input may hold follows JSON, without its silent losses: an
 * object with `toJSON` (a `Date`, a `URL`) is replaced by what `toJSON` returns,
 * so a `Date` becomes its ISO string; boxed primitives are unboxed. A value JSON
 * would flatten to `{}` or drop (a `Map`, a `Set`, a class instance without
 * `toJSON`, another typed array, a function, a symbol), a `bigint` and a cycle
 * are rejected with a `TypeError` naming the path, e.g. `'input.items[2].when'`,
 * before any request.
 *
 * @module
 */

import { UploadError } from "../errors.ts";
import type { RequestOptions } from "../http/core.ts";
import { decodeDataUri, isDataUri } from "./data_uri.ts";
import { answerFields, type Files } from "./files.ts";
import type { FileObject, UploadData } from "./types.ts";
import { describeValue, isBlob, isReadableStream } from "./upload_source.ts";

/** How to upload the files of an input. */
export interface InputUploadSettings extends RequestOptions {
  /** How many uploads may run at once (at least 1). */
  concurrency: number;
}

/** One file to upload, and the places in the new input that take its `uri`. */
interface Job {
  field: string;
  data: UploadData;
  filename: string | undefined;
  contentType: string | undefined;
  places: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }>;
}

/**
 * Returns a copy of `input` in which every file value is uploaded and replaced
 * by its `uri`. The same value (the same `Blob`, or an equal data URI) found in
 * several places is uploaded once. The first failed upload aborts the others
 * and rejects with its {@linkcode UploadError}, whose `field` names the value.
 *
 * @throws {TypeError} For a value JSON cannot carry faithfully, or a malformed data URI.
 */
export async function uploadInputFiles(
  files: Files,
  input: Record<string, unknown>,
  settings: InputUploadSettings,
): Promise<Record<string, unknown>> {
  const { concurrency } = settings;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Invalid option 'uploadConcurrency': must be a whole number >= 1: got ${concurrency}`,
    );
  }
  if (typeof input !== "object" || input === null || !isPlain(input)) {
    throw new TypeError(
      `Cannot run task: 'input' must be a plain object: got ${describeValue(input)}`,
    );
  }
  const jobs = new Map<unknown, Job>();
  const root = walk(input, "input", "", { jobs, ancestors: new Set() }) as Record<string, unknown>;
  if (jobs.size === 0) return root;
  await runBounded([...jobs.values()], settings, async (job, signal) => {
    let file: FileObject;
    try {
      file = await files.upload(job.data, {
        filename: job.filename,
        contentType: job.contentType,
        signal,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      });
    } catch (error) {
      if (error instanceof UploadError) {
        throw new UploadError(`${error.message} (the value of '${job.field}')`, {
          ...answerFields(error),
          cause: error.cause,
          step: error.step,
          field: job.field,
        });
      }
      throw error;
    }
    for (const { parent, key } of job.places) {
      (parent as Record<string | number, unknown>)[key] = file.uri;
    }
  });
  return root;
}

interface WalkState {
  jobs: Map<unknown, Job>;
  ancestors: Set<object>;
}

/** A copy of `value` with JSON's conversions applied and every file noted in `state.jobs`. */
function walk(value: unknown, path: string, key: string, state: WalkState): unknown {
  switch (typeof value) {
    case "string":
      return isDataUri(value) ? placeholder(value, path, state) : value;
    case "number":
    case "boolean":
    case "undefined":
      return value;
    case "bigint":
      return reject(path, "is a bigint, which JSON cannot carry: pass a number or a string");
    case "function":
    case "symbol":
      return reject(path, `is a ${typeof value}, which JSON would drop`);
  }
  if (value === null) return null;
  if (isBlob(value) || value instanceof Uint8Array || value instanceof ArrayBuffer) {
    return placeholder(value, path, state);
  }
  if (isReadableStream(value)) return placeholder(value, path, state);
  if (ArrayBuffer.isView(value)) {
    return reject(
      path,
      `is ${
        describeValue(value)
      }, which JSON would send as an object of indices: pass Array.from(...) for numbers, or a Uint8Array of its bytes to upload them as a file`,
    );
  }
  const object = value as Record<string, unknown>;
  if (typeof object["toJSON"] === "function") {
    return walk((object["toJSON"] as (key: string) => unknown)(key), path, key, state);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return value.valueOf();
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlain(value)) {
    return reject(
      path,
      `is ${
        describeValue(value)
      }, which JSON would send as {} or a bare copy of its fields: pass a plain object (e.g. { ...value }), or give its class a toJSON() method`,
    );
  }
  if (state.ancestors.has(value as object)) return reject(path, "refers back to itself (a cycle)");
  state.ancestors.add(value as object);
  try {
    if (isArray) {
      const array = value as unknown[];
      const copy: unknown[] = new Array(array.length);
      for (let i = 0; i < array.length; i++) {
        copy[i] = walk(array[i], `${path}[${i}]`, String(i), state);
        notePlace(copy[i], copy, i);
      }
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const name of Object.keys(object)) {
      copy[name] = walk(object[name], child(path, name), name, state);
      notePlace(copy[name], copy, name);
    }
    return copy;
  } finally {
    state.ancestors.delete(value as object);
  }
}

/** Marks a file's place: the copy holds the job until the upload gives a `uri`. */
const PENDING: unique symbol = Symbol("pending upload");

interface Pending {
  [PENDING]: Job;
}

function placeholder(value: unknown, path: string, state: WalkState): Pending {
  let job = state.jobs.get(value);
  if (!job) {
    if (typeof value === "string") {
      const uri = decodeDataUri(value, `Cannot run task: '${path}'`);
      job = {
        field: path,
        data: uri.blob,
        filename: uri.filename,
        contentType: uri.contentType,
        places: [],
      };
    } else {
      job = {
        field: path,
        data: value as UploadData,
        filename: undefined,
        contentType: undefined,
        places: [],
      };
    }
    state.jobs.set(value, job);
  }
  return { [PENDING]: job };
}

/** Records where a placeholder sits, so its upload's `uri` can replace it. */
function notePlace(
  value: unknown,
  parent: Record<string, unknown> | unknown[],
  key: string | number,
): void {
  if (typeof value === "object" && value !== null && PENDING in value) {
    (value as Pending)[PENDING].places.push({ parent, key });
  }
}

async function runBounded(
  jobs: Job[],
  settings: InputUploadSettings,
  upload: (job: Job, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const { signal } = settings;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < jobs.length) {
      const job = jobs[next++] as Job;
      try {
        await upload(job, controller.signal);
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort(error);
        }
      }
    }
  };
  try {
    signal?.throwIfAborted();
    const workers = Math.max(1, Math.min(settings.concurrency, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  if (failure) throw failure.error;
}

function reject(path: string, problem: string): never {
  throw new TypeError(`Cannot run task: '${path}' ${problem}`);
}

function isPlain(value: unknown): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, name: string): string {
  return IDENTIFIER.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}
