/**
 * Files attached to a message: checked before anything is sent, Blobs uploaded
 * first, then each sorted into image and file URIs for `POST /agents/run`.
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
 * import type { Attachment } from "@inferencesh/sdk";
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

/** What attaching needs from `client.files`. */
export interface Uploader {
  upload(
    data: Blob,
    options?: {
      filename?: string | undefined;
      contentType?: string | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<{ uri: string; "content_type"?: string | undefined }>;
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

/** Uploads Blobs and sorts every attachment into image and file URIs. */
export async function attach(
  uploader: Uploader | undefined,
  files: Attachment[],
  images: Attachment[],
  signal: AbortSignal,
): Promise<{ images: string[]; files: string[] }> {
  const out = { images: [] as string[], files: [] as string[] };
  const place = async (attachment: Attachment, asImage: boolean): Promise<void> => {
    let uri: string;
    let type: string | undefined;
    if (typeof attachment === "string") {
      uri = attachment;
    } else if (attachment instanceof Blob) {
      if (!uploader || typeof uploader.upload !== "function") {
        throw new TypeError("Cannot attach a Blob: this client cannot upload files");
      }
      const name = (attachment as { name?: unknown }).name;
      const file = await uploader.upload(attachment, {
        filename: typeof name === "string" && name !== "" ? name : undefined,
        contentType: attachment.type || undefined,
        signal,
      });
      uri = file.uri;
      type = file["content_type"] ?? attachment.type;
    } else {
      uri = attachment.uri;
      type = attachment["content_type"];
    }
    (asImage || (type ?? "").startsWith("image/") ? out.images : out.files).push(uri);
  };
  for (const attachment of images) await place(attachment, true);
  for (const attachment of files) await place(attachment, false);
  return out;
}
