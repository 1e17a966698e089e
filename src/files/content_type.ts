/**
 * Media types: from a file name's extension, and the check of a caller's
 * `contentType`.
 *
 * @module
 */

/** The fallback when nothing says what the bytes are. */
export const OCTET_STREAM = "application/octet-stream";

/** The official SDK's table (docs/protocol.md §6.2), plus common text, data and archive types. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  jfif: "image/jpeg",
  jpe: "image/jpeg",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  heic: "image/heif",
  heif: "image/heif",
  tif: "image/tiff",
  tiff: "image/tiff",
  bmp: "image/bmp",
  svg: "image/svg+xml",
  ico: "image/x-icon",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mkv: "video/x-matroska",
  avi: "video/x-msvideo",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  aac: "audio/aac",
  m4a: "audio/mp4",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  htm: "text/html",
  json: "application/json",
  jsonl: "application/jsonl",
  xml: "application/xml",
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
  glb: "model/gltf-binary",
  gltf: "model/gltf+json",
};

/** The media type for `filename`'s extension (case-insensitive), or `undefined`. */
export function contentTypeFromFilename(filename: string | undefined): string | undefined {
  if (filename === undefined) return undefined;
  const dot = filename.lastIndexOf(".");
  if (dot <= 0 || dot === filename.length - 1) return undefined;
  return BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;[^\\x00-\\x1f\\x7f]*)?$`);

/** Whether `value` is a media type fit for a `Content-Type` header (`type/subtype;params`). */
export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}
