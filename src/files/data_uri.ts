/**
 * `data:` URIs (RFC 2397): recognising one, and decoding it into bytes plus
 * the media type and name its header carries.
 *
 * @module
 */

import { isMediaType } from "./content_type.ts";
import { BlobBuilder, decodeBase64, decodePercent } from "./decode.ts";

/**
 * The header of a data URI, up to the first comma: an optional media type, then
 * `;`-separated parameters (`charset=…`, `name=…`, `base64`). The payload is
 * never matched by the expression, so a large URI costs no regex time. Control
 * characters are excluded from parameters on purpose.
 */
const HEADER =
  // deno-lint-ignore no-control-regex
  /^data:((?:[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+)?(?:[ \t]*;[ \t]*[^,;\x00-\x1f\x7f]{0,256}){0,16}),/i;

/**
 * Whether `text` is a data URI: `data:` and a well-formed header up to a comma.
 * Prose that merely starts with "data:" (`"data: 42 rows"`) is not.
 */
export function isDataUri(text: string): boolean {
  return text.length > 5 && (text.charCodeAt(0) | 0x20) === 100 /* d */ &&
    HEADER.test(text.slice(0, 1500));
}

/** A decoded data URI. */
export interface DataUri {
  /** The payload's bytes. */
  blob: Blob;
  /** Their number. */
  size: number;
  /** The media type with its parameters (`text/plain;charset=utf-8`), when the URI names one. */
  contentType: string | undefined;
  /** The `name` (or `filename`) parameter, percent-decoded, when present. */
  filename: string | undefined;
}

/**
 * Decodes a data URI; `what` names it in errors (e.g. `'input.image'`).
 *
 * @throws {TypeError} When it is not a data URI, or its base64 payload is invalid.
 */
export function decodeDataUri(text: string, what: string): DataUri {
  const match = HEADER.exec(text.slice(0, 1500));
  if (!match) {
    throw new TypeError(
      `${what} is not a valid data URI: expected "data:[<media type>][;base64],<data>": got ${
        JSON.stringify(text.slice(0, 40) + (text.length > 40 ? "…" : ""))
      }`,
    );
  }
  const tokens = (match[1] as string).split(";").map((token) => token.trim());
  const base64 = tokens.length > 1 && tokens.at(-1)?.toLowerCase() === "base64";
  if (base64) tokens.pop();
  const [mediaType = "", ...parameters] = tokens;
  let filename: string | undefined;
  const kept: string[] = [];
  for (const parameter of parameters) {
    if (parameter === "") continue;
    const [key = "", value = ""] = parameter.split("=", 2);
    const name = key.trim().toLowerCase();
    if (name === "name" || name === "filename") filename = safeDecode(value.trim()) || undefined;
    else kept.push(parameter);
  }
  const contentType = mediaType !== "" && isMediaType(mediaType)
    ? [mediaType.toLowerCase(), ...kept].join(";")
    : undefined;
  const payload = match[0].length;
  const builder = new BlobBuilder();
  const { size } = base64
    ? decodeBase64(text, `${what} (a base64 data URI)`, {
      start: payload,
      sink: builder.add,
      mode: "forgiving",
    })
    : decodePercent(text, payload, text.length, builder.add);
  return { blob: builder.blob(), size, contentType, filename };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
