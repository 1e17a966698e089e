/**
 * Decoding base64 and percent-encoded text to bytes in bounded parts, straight
 * from the caller's string: no `atob` of the whole payload, no intermediate
 * binary string, no per-byte array of numbers. The parts become a `Blob`.
 *
 * @module
 */

/** Bytes per output part: a multiple of 3, so whole base64 quads always fit. */
const PART = 3 * 21_845;
/** Characters per percent-decoding run, so no run's UTF-8 copy is large. */
const RUN = 16 * 1024;

const INVALID = -1;
/** A line break, skipped in strict and forgiving base64 alike. */
const BREAK = -2;
/** Other ASCII whitespace (tab, form feed, space), skipped in forgiving base64 only. */
const SPACE = -3;

/** Sextet of every ASCII code; both alphabets (`+/` and `-_`) map to 62 and 63. */
const SEXTETS: Int8Array = (() => {
  const table = new Int8Array(128).fill(INVALID);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table[43] = table[45] = 62; // + -
  table[47] = table[95] = 63; // / _
  table[10] = table[13] = BREAK;
  for (const space of [9, 12, 32]) table[space] = SPACE;
  return table;
})();

/** Decoded bytes, as parts of at most 64 KiB, and their total length. */
export interface DecodedParts {
  /** The parts, unless they were handed to a sink as they were made. */
  parts: Uint8Array<ArrayBuffer>[];
  size: number;
}

/** Receives each decoded part as soon as it is full. */
export type PartSink = (part: Uint8Array<ArrayBuffer>) => void;

/**
 * Collects decoded parts into a `Blob` a batch at a time, so no more than a
 * batch of parts is held in JavaScript memory while a large payload decodes.
 */
export class BlobBuilder {
  #blob: Blob = new Blob([]);
  #batch: Uint8Array<ArrayBuffer>[] = [];

  /** Takes one part (use as a {@linkcode PartSink}). */
  readonly add: PartSink = (part) => {
    this.#batch.push(part);
    if (this.#batch.length >= 16) this.#flush();
  };

  /** The `Blob` of every part so far. */
  blob(): Blob {
    this.#flush();
    return this.#blob;
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    this.#blob = new Blob([this.#blob, ...this.#batch]);
    this.#batch = [];
  }
}

/** Where and how {@linkcode decodeBase64} decodes. */
export interface Base64Options {
  /** First character to decode. @default {0} */
  start?: number;
  /** End of the range (exclusive). @default {text.length} */
  end?: number;
  /** Receives the parts as they fill, instead of {@linkcode DecodedParts.parts}. */
  sink?: PartSink | undefined;
  /**
   * `strict` (a string given as base64, RFC 4648): line breaks are the only
   * whitespace, the length is padded with `=` to a multiple of 4, the standard
   * (`+/`) and URL-safe (`-_`) alphabets are never mixed, and the bits after
   * the last byte are zero, so text that merely uses base64's letters is
   * refused rather than decoded into bytes nobody meant.
   * `forgiving` (a data URI's payload, as browsers read it): any ASCII
   * whitespace is skipped and the padding may be left out.
   * @default {"strict"}
   */
  mode?: "strict" | "forgiving";
}

/**
 * Decodes `text[start, end)` as base64 in parts of at most 64 KiB, checking
 * the alphabet, the padding and the length as it goes (see
 * {@linkcode Base64Options.mode}).
 *
 * @throws {TypeError} "`<what>` is not valid base64: …", saying what is wrong and where.
 */
export function decodeBase64(
  text: string,
  what: string,
  options: Base64Options = {},
): DecodedParts {
  const { start = 0, end = text.length, sink, mode = "strict" } = options;
  const strict = mode === "strict";
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const emit: PartSink = sink ?? ((part) => parts.push(part));
  let part = new Uint8Array(Math.min(PART, Math.ceil(((end - start) * 3) / 4) + 3));
  let at = 0;
  let size = 0;
  let quad = 0;
  let count = 0;
  let padding = 0;
  /** 0: neither seen yet, 1: `+` or `/` seen, 2: `-` or `_` seen. */
  let alphabet = 0;
  const bad = (index: number, why: string): TypeError =>
    new TypeError(`${what} is not valid base64: ${why} at character ${index - start}`);
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const sextet = code < 128 ? SEXTETS[code] as number : INVALID;
    if (sextet >= 0) {
      if (padding > 0) throw bad(i, `"${text[i]}" after "="`);
      if (sextet >= 62) {
        const kind = code === 43 || code === 47 ? 1 : 2;
        if (alphabet !== 0 && alphabet !== kind) {
          throw bad(i, `"${text[i]}" mixes the standard (+/) and URL-safe (-_) alphabets`);
        }
        alphabet = kind;
      }
      quad = (quad << 6) | sextet;
      if (++count === 4) {
        if (at + 3 > part.length) {
          emit(part);
          part = new Uint8Array(Math.min(PART, Math.ceil(((end - i) * 3) / 4) + 3));
          at = 0;
        }
        part[at++] = quad >> 16;
        part[at++] = (quad >> 8) & 255;
        part[at++] = quad & 255;
        size += 3;
        quad = 0;
        count = 0;
      }
    } else if (sextet === BREAK || (sextet === SPACE && !strict)) {
      continue;
    } else if (code === 61 /* = */ && count >= 2 && padding < 4 - count) {
      padding++;
    } else {
      throw bad(i, code === 61 ? `misplaced "="` : `unexpected ${JSON.stringify(text[i])}`);
    }
  }
  if (count === 1) throw bad(end, "a lone final character");
  if (count > 1) {
    if (padding > 0 && count + padding !== 4) {
      throw bad(end, `${4 - count} "=" of padding expected, ${padding} found`);
    }
    if (strict && padding === 0) {
      throw bad(end, `missing "=" padding (the length is not a multiple of 4)`);
    }
    // 2 characters carry 1 byte and 4 unused bits, 3 carry 2 bytes and 2 unused bits.
    if (strict && (quad & (count === 2 ? 15 : 3)) !== 0) {
      throw bad(end, "the last character sets unused bits (not canonical base64)");
    }
    if (at + 2 > part.length) {
      emit(part);
      part = new Uint8Array(2);
      at = 0;
    }
    if (count === 2) part[at++] = (quad >> 4) & 255;
    else {
      part[at++] = (quad >> 10) & 255;
      part[at++] = (quad >> 2) & 255;
    }
    size += count - 1;
  }
  if (at > 0) emit(at === part.length ? part : part.slice(0, at));
  return { parts, size };
}

const encoder = new TextEncoder();

/**
 * Decodes `text[start, end)` as a percent-encoded data URI payload: `%XX`
 * escapes become the byte they name, every other character its UTF-8 bytes (a
 * `%` without two hex digits stays a `%`).
 */
export function decodePercent(
  text: string,
  start = 0,
  end: number = text.length,
  sink?: PartSink,
): DecodedParts {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const emit: PartSink = sink ?? ((part) => parts.push(part));
  let size = 0;
  let escaped: number[] = [];
  const flushEscaped = (): void => {
    if (escaped.length === 0) return;
    emit(Uint8Array.from(escaped));
    size += escaped.length;
    escaped = [];
  };
  let runStart = start;
  const flushRun = (runEnd: number): void => {
    if (runEnd <= runStart) return;
    flushEscaped();
    const bytes = encoder.encode(text.slice(runStart, runEnd));
    emit(bytes);
    size += bytes.length;
  };
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 37 /* % */ && i + 2 < end && isHex(text, i + 1, i + 3)) {
      flushRun(i);
      escaped.push(parseInt(text.slice(i + 1, i + 3), 16));
      if (escaped.length === PART) flushEscaped();
      i += 2;
      runStart = i + 1;
    } else if (i - runStart >= RUN) {
      // Never cut between the two halves of a surrogate pair.
      const code = text.charCodeAt(i - 1);
      const cut = code >= 0xd800 && code <= 0xdbff ? i - 1 : i;
      flushRun(cut);
      runStart = cut;
    }
  }
  flushRun(end);
  flushEscaped();
  return { parts, size };
}

function isHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return to <= text.length;
}
