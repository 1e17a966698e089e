/**
 * Bytes the emulator serves under `/__files/{id}/{name}` (app outputs today,
 * uploads once `POST /files` exists).
 *
 * @module
 */

import type { Ids } from "../ids.ts";

/** One stored file. */
export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** The emulator's file table. */
export class FileStore {
  readonly #files = new Map<string, StoredFile>();
  readonly #ids: Ids;

  constructor(ids: Ids) {
    this.#ids = ids;
  }

  /** Stores bytes under a new `file_…` id. */
  put(name: string, contentType: string, bytes: Uint8Array<ArrayBuffer>): StoredFile {
    const file = { id: this.#ids.next("file"), name, contentType, bytes };
    this.#files.set(file.id, file);
    return file;
  }

  /** The file with `id`, if any. */
  get(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  /** The public URL of `file` on the server at `origin`. */
  url(origin: string, file: StoredFile): string {
    return `${origin}/__files/${encodeURIComponent(file.id)}/${encodeURIComponent(file.name)}`;
  }

  /** Forgets every file. */
  clear(): void {
    this.#files.clear();
  }
}
