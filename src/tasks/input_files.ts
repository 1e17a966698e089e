/**
 * How `tasks.run` treats file values in `input`. The full client uploads them
 * (see `files/input_uploads.ts`); the lean `@inferencesh/sdk/tasks` client has
 * no upload code, so it refuses them instead of letting JSON turn a `Blob` into
 * `{}`.
 *
 * @module
 */

import type { RequestOptions } from "../http/core.ts";

/** Turns the input of a run into what is sent: files uploaded and replaced by their `uri`. */
export type InputPreparer = (
  input: Record<string, unknown>,
  settings: RequestOptions & { concurrency: number },
) => Promise<Record<string, unknown>>;

/**
 * The lean client's preparer: the input is sent as is, after checking that it
 * holds no file value, which only the full client can upload.
 */
export function refuseFiles(input: Record<string, unknown>): Promise<Record<string, unknown>> {
  findFile(input, "input");
  return Promise.resolve(input);
}

function findFile(value: unknown, path: string): void {
  if (typeof value === "string") {
    if (value.startsWith("data:")) unsupported(path, "a data: URI");
    return;
  }
  if (typeof value !== "object" || value === null) return;
  if (
    (typeof Blob !== "undefined" && value instanceof Blob) || value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) || typeof (value as ReadableStream).getReader === "function"
  ) {
    unsupported(path, "binary data");
  }
  if (Array.isArray(value)) value.forEach((item, i) => findFile(item, `${path}[${i}]`));
  else for (const [key, item] of Object.entries(value)) findFile(item, `${path}.${key}`);
}

function unsupported(path: string, what: string): never {
  throw new TypeError(
    `Cannot run task: '${path}' is ${what}: upload it first, or use the client from "@inferencesh/sdk", which uploads files in input`,
  );
}
