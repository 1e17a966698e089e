/**
 * Files of the emulator: uploads (a record from `POST /files`, whose bytes
 * arrive by a PUT to the emulator's own storage URL) and app outputs, all
 * served under `/__files/{id}/{name}`.
 *
 * @module
 */

import { EMULATOR_TEAM_ID, EMULATOR_USER_ID, type Ids, shortId } from "../ids.ts";

/** One stored file. */
export interface StoredFile {
  id: string;
  name: string;
  /** The media type recorded by `POST /files` (or given by the app). */
  contentType: string;
  /** The bytes; empty until an upload's PUT arrives. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Whether the bytes are there: always for outputs, after the PUT for uploads. */
  uploaded: boolean;
  /** The `Content-Type` of the PUT that brought the bytes, served from then on. */
  uploadedType?: string | undefined;
  /** The size `POST /files` declared, if any; the PUT must match it. */
  declaredSize?: number | undefined;
  /** The storage path asked for. */
  path?: string | undefined;
  /** Whether `public: true` was asked for. */
  public?: boolean | undefined;
  /** The `sig` the upload URL carries; the PUT must present it. */
  signature?: string | undefined;
  /** When the record was created (RFC 3339). */
  createdAt?: string | undefined;
  /** When it last changed (RFC 3339). */
  updatedAt?: string | undefined;
}

/** What `POST /files` asks for, checked. */
export interface FileRequest {
  filename: string | undefined;
  contentType: string | undefined;
  size: number | undefined;
  path: string | undefined;
  public: boolean | undefined;
}

/**
 * Where an emulator reached as `origin` serves files. On the real API's hosts
 * (an in-process emulator answering `https://api.inference.sh`) that is a host
 * under `.invalid`, which no resolver answers, so an emulated file URI is never
 * mistaken for (or fetched from) the real API; the emulator's own `fetch`
 * answers every host, so such URIs still work through it. Served on a socket,
 * files stay on the emulator's own origin.
 */
export function filesOrigin(origin: string): string {
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return origin;
  }
  return host === "inference.sh" || host.endsWith(".inference.sh") ? EMULATED_FILES_ORIGIN : origin;
}

/** The origin of the in-process emulator's files. */
export const EMULATED_FILES_ORIGIN = "https://files.emulator.invalid";

/** The emulator's file table. */
export class FileStore {
  readonly #files = new Map<string, StoredFile>();
  readonly #ids: Ids;
  /**
   * Refuse a PUT whose `Content-Type` differs from the recorded one, as a
   * presigned URL that signs the type does (docs/protocol.md §10 F4). Off by default,
   * because clients such as the official SDK would fail it.
   */
  strictContentType = false;

  constructor(ids: Ids) {
    this.#ids = ids;
  }

  /** Stores bytes under a new `file_…` id (app outputs). */
  put(name: string, contentType: string, bytes: Uint8Array<ArrayBuffer>): StoredFile {
    const file = { id: this.#ids.next("file"), name, contentType, bytes, uploaded: true };
    this.#files.set(file.id, file);
    return file;
  }

  /** Records an upload whose bytes are still to come. */
  create(request: FileRequest, now: string): StoredFile {
    const file: StoredFile = {
      id: this.#ids.next("file"),
      name: request.filename ?? "file",
      contentType: request.contentType ?? "application/octet-stream",
      bytes: new Uint8Array(0),
      uploaded: false,
      declaredSize: request.size,
      path: request.path,
      public: request.public,
      signature: crypto.randomUUID().replaceAll("-", ""),
      createdAt: now,
      updatedAt: now,
    };
    this.#files.set(file.id, file);
    return file;
  }

  /** Stores the bytes of an upload (a PUT may repeat: the last one wins). */
  receive(
    file: StoredFile,
    bytes: Uint8Array<ArrayBuffer>,
    contentType: string,
    now: string,
  ): void {
    file.bytes = bytes;
    file.uploadedType = contentType;
    file.uploaded = true;
    file.updatedAt = now;
  }

  /** The file with `id`, if any. */
  get(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  /** The public URL of `file` on the server at `origin`. */
  url(origin: string, file: StoredFile): string {
    return `${filesOrigin(origin)}/__files/${encodeURIComponent(file.id)}/${
      encodeURIComponent(file.name)
    }`;
  }

  /** Where the bytes of an upload go: the emulator's own storage, no key needed. */
  uploadUrl(origin: string, file: StoredFile): string {
    return `${filesOrigin(origin)}/__storage/${encodeURIComponent(file.id)}?sig=${
      file.signature ?? ""
    }`;
  }

  /**
   * The file a URI names, when it is one of this emulator's `/__files/` URLs
   * (any origin: an in-process emulator answers every host).
   *
   * @returns `undefined` when `uri` is no such URL.
   * @throws {Error} When it is one, but names no file or one whose bytes never arrived.
   */
  fromUri(uri: string): StoredFile | undefined {
    let pathname: string;
    try {
      pathname = new URL(uri).pathname;
    } catch {
      return undefined;
    }
    const match = /^\/__files\/([^/]+)\/([^/]+)$/.exec(pathname);
    if (!match) return undefined;
    const id = decodeURIComponent(match[1] as string);
    const file = this.#files.get(id);
    if (!file || file.name !== decodeURIComponent(match[2] as string)) {
      throw new Error(`file ${uri} does not exist`);
    }
    if (!file.uploaded) {
      throw new Error(`file ${uri} was created but its bytes were never uploaded`);
    }
    return file;
  }

  /** The FileDTO of `file`, with URLs on `origin`. */
  dto(origin: string, file: StoredFile): Record<string, unknown> {
    return {
      id: file.id,
      "short_id": shortId(file.id),
      "created_at": file.createdAt ?? "",
      "updated_at": file.updatedAt ?? "",
      "user_id": EMULATOR_USER_ID,
      "team_id": EMULATOR_TEAM_ID,
      visibility: file.public ? "public" : "private",
      path: file.path ?? "",
      "remote_path": `files/${EMULATOR_TEAM_ID}/${file.id}/${file.name}`,
      "upload_url": file.signature !== undefined && !file.uploaded
        ? this.uploadUrl(origin, file)
        : "",
      uri: this.url(origin, file),
      "content_type": file.contentType,
      size: file.declaredSize ?? file.bytes.length,
      filename: file.name,
      category: "",
      rating: "unrated",
      metadata: {},
    };
  }

  /** Every file, oldest first (for `POST /files/list`). */
  all(): StoredFile[] {
    return [...this.#files.values()];
  }

  /** Forgets the file `id`; `false` when there was none. */
  remove(id: string): boolean {
    return this.#files.delete(id);
  }

  /** Forgets every file. */
  clear(): void {
    this.#files.clear();
  }
}
