/**
 * Files attached to a message: checked before anything is sent, Blobs uploaded
 * first, then each described as a file reference of `input.attachments`
 * (`{id, uri, filename, content_type, size}`), the field the official JS and
 * Python SDKs send; the API fills its internal `images`/`files` from it, images
 * by their content type (docs/protocol.md §7.2).
 *
 * @module
 */

/**
 * A file to attach to a message: a `Blob`/`File` (uploaded first), or a file
 * already uploaded (`{ uri }`, e.g. what `client.files.upload()` returned, or a
 * URI string).
 *
 * @example
 * ```ts
 * import type { Attachment } from "@inferencesh/sdk/types";
 * const attachments: Attachment[] = [
 *   new Blob(["hello"], { type: "text/plain" }),
 *   { uri: "https://example.com/cat.png", "content_type": "image/png" },
 * ];
 * ```
 */
export type Attachment =
  | Blob
  | string
  | { uri: string; "content_type"?: string | undefined; [field: string]: unknown };

/** One entry of `input.attachments` (the API's `FileRef`). */
export interface FileRef {
  /** The file's id, when it is an uploaded file whose id is known. */
  id?: string;
  /** Where the file is. */
  uri: string;
  /** The file's name (`""` when unknown). */
  filename: string;
  /** Its media type: `image/*` makes it an image for the model. */
  "content_type": string;
  /** Its size in bytes, when known. */
  size?: number;
}

/** What attaching needs from `client.files`. */
export interface Uploader {
  upload(
    data: Blob,
    options?: {
      filename?: string | undefined;
      contentType?: string | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<
    {
      uri: string;
      id?: unknown;
      filename?: unknown;
      "content_type"?: string | undefined;
      size?: unknown;
    }
  >;
}

/** Checks the `files` or `images` option, naming it; `[]` when absent. */
export function checkAttachments(value: unknown, field: string): Attachment[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`Invalid option '${field}': must be an array`);
  return value.map((item, index) => {
    if (typeof item === "string" && item !== "") return item;
    if (typeof Blob !== "undefined" && item instanceof Blob) return item;
    if (
      typeof item === "object" && item !== null &&
      typeof (item as { uri?: unknown }).uri === "string"
    ) {
      return item as Attachment;
    }
    throw new TypeError(
      `Invalid option '${field}[${index}]': must be a Blob, a URI string or an object with a string 'uri'`,
    );
  });
}

/**
 * Uploads the Blobs and describes every attachment as a file reference, images
 * first. An entry of `images` is always sent as an image: its content type is
 * the one given when that is `image/*`, else guessed from the URI's extension,
 * else `image/*`. A file's content type is the one given, else guessed, else
 * `application/octet-stream`.
 */
export async function attach(
  uploader: Uploader | undefined,
  files: Attachment[],
  images: Attachment[],
  signal: AbortSignal,
): Promise<FileRef[]> {
  const refs: FileRef[] = [];
  for (const attachment of images) refs.push(await describe(uploader, attachment, true, signal));
  for (const attachment of files) refs.push(await describe(uploader, attachment, false, signal));
  return refs;
}

async function describe(
  uploader: Uploader | undefined,
  attachment: Attachment,
  asImage: boolean,
  signal: AbortSignal,
): Promise<FileRef> {
  let known: { uri: string; id?: unknown; filename?: unknown; type?: unknown; size?: unknown };
  if (typeof attachment === "string") {
    known = { uri: attachment };
  } else if (attachment instanceof Blob) {
    if (!uploader || typeof uploader.upload !== "function") {
      throw new TypeError("Cannot attach a Blob: this client cannot upload files");
    }
    const name = (attachment as { name?: unknown }).name;
    const filename = typeof name === "string" && name !== "" ? name : undefined;
    const file = await uploader.upload(attachment, {
      filename,
      contentType: attachment.type || undefined,
      signal,
    });
    known = {
      uri: file.uri,
      id: file.id,
      filename: file.filename || filename,
      type: file["content_type"] || attachment.type,
      size: file.size ?? attachment.size,
    };
  } else {
    known = { ...attachment, type: attachment["content_type"] };
  }
  const ref: FileRef = {
    uri: known.uri,
    filename: typeof known.filename === "string" ? known.filename : nameOf(known.uri),
    "content_type": contentType(known.uri, known.type, asImage),
  };
  if (typeof known.id === "string" && known.id !== "") ref.id = known.id;
  if (typeof known.size === "number" && Number.isFinite(known.size)) ref.size = known.size;
  return ref;
}

/** The last segment of a URI's path, decoded; `""` for `data:` URIs and bare hosts. */
function nameOf(uri: string): string {
  if (uri.startsWith("data:")) return "";
  let path = uri;
  try {
    path = new URL(uri).pathname;
  } catch {
    path = uri.split(/[?#]/, 1)[0] ?? "";
  }
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  heic: "image/heic",
  pdf: "application/pdf",
  json: "application/json",
  zip: "application/zip",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
};

/** The media type to send for a URI, from what is known, its `data:` header or its extension. */
function contentType(uri: string, given: unknown, asImage: boolean): string {
  const known = typeof given === "string" && given !== "" ? given : undefined;
  const guessed = uri.startsWith("data:")
    ? /^data:([^;,]+)/.exec(uri)?.[1]
    : TYPES[/\.([a-z0-9]+)$/i.exec(nameOf(uri))?.[1]?.toLowerCase() ?? ""];
  if (!asImage) return known ?? guessed ?? "application/octet-stream";
  for (const type of [known, guessed]) {
    if (type?.toLowerCase().startsWith("image/")) return type;
  }
  return "image/*";
}
