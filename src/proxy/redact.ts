/**
 * Finding the server's key in what the API sends back, under every spelling
 * an echo may give it: raw, JSON-escaped (`\/`, `\"`, `\\`, `\u0026`…) and
 * percent-encoded (`%2B`, `%2F`…, either case, or `+` left as it is), one
 * character at a time, so mixed spellings are found too. Bodies are redacted
 * as they stream, holding back only bytes that may begin a spelling of the key.
 *
 * @module
 */

/** What a spelling of the key is replaced with. */
export const REDACTED = "[redacted]";

const REDACTED_BYTES = new TextEncoder().encode(REDACTED);

/** The buffer ended inside what may be a spelling of the key. */
const PARTIAL = -2;
const NONE = -1;

/**
 * Finds spellings of one secret (printable ASCII, checked by the caller) in
 * bytes and text.
 */
export class Redactor {
  readonly #secret: Uint8Array;

  constructor(secret: string) {
    this.#secret = new TextEncoder().encode(secret);
  }

  /** `text` with every spelling of the secret replaced by {@linkcode REDACTED}. */
  text(text: string): string {
    if (this.#secret.length === 0) return text;
    const bytes = new TextEncoder().encode(text);
    const { out } = this.#scan(bytes, true, undefined);
    return out === bytes ? text : new TextDecoder().decode(out);
  }

  /**
   * A stream that redacts the bytes passing through it. It holds back only a
   * tail that may start a spelling of the key, so a stream's lines go on at
   * once.
   */
  stream(): TransformStream<Uint8Array, Uint8Array> {
    let pending: Uint8Array = new Uint8Array(0);
    /** The last byte passed on: a short secret at the start of the next chunk must not follow a word. */
    let before: number | undefined;
    const pass = (out: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>) => {
      if (out.length === 0) return;
      before = out[out.length - 1];
      controller.enqueue(out);
    };
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        const bytes = pending.length === 0 ? chunk : concat(pending, chunk);
        const { out, rest } = this.#scan(bytes, false, before);
        pending = rest;
        pass(out, controller);
      },
      flush: (controller) => {
        if (pending.length > 0) pass(this.#scan(pending, true, before).out, controller);
      },
    });
  }

  /**
   * Redacts `bytes`; unless `final`, a tail that may begin a spelling is
   * returned as `rest` instead. `before` is the byte that preceded them.
   */
  #scan(
    bytes: Uint8Array,
    final: boolean,
    before: number | undefined,
  ): { out: Uint8Array; rest: Uint8Array } {
    if (this.#secret.length === 0) return { out: bytes, rest: new Uint8Array(0) };
    let pieces: Uint8Array[] | undefined;
    let copied = 0;
    const first = this.#secret[0] as number;
    const short = this.#secret.length < MIN_FREE_LENGTH;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      // Every spelling starts with the first character itself, "%", "\" or (for "+") a space.
      if (byte !== first && byte !== 37 && byte !== 92 && !(first === 43 && byte === 32)) continue;
      // A short secret (a test key like "k") is only taken where it stands alone.
      if (short && isWordByte(i > 0 ? bytes[i - 1] : before)) continue;
      let length = this.#matchAt(bytes, i, 0);
      if (short && length >= 0) {
        const after = bytes[i + length];
        if (after === undefined && !final) length = PARTIAL;
        else if (isWordByte(after)) length = NONE;
      }
      if (length === NONE || (length === PARTIAL && final)) continue;
      if (length === PARTIAL) {
        const out = pieces === undefined
          ? bytes.subarray(0, i)
          : concat(...pieces, bytes.subarray(copied, i));
        return { out, rest: bytes.slice(i) };
      }
      pieces ??= [];
      pieces.push(bytes.subarray(copied, i), REDACTED_BYTES);
      copied = i + length;
      i = copied - 1;
    }
    const out = pieces === undefined ? bytes : concat(...pieces, bytes.subarray(copied));
    return { out, rest: new Uint8Array(0) };
  }

  /**
   * The length of a spelling of `secret[from..]` that starts at `bytes[at]`,
   * {@linkcode NONE}, or {@linkcode PARTIAL} when `bytes` ends inside one.
   */
  #matchAt(bytes: Uint8Array, at: number, from: number): number {
    if (from === this.#secret.length) return 0;
    if (at >= bytes.length) return PARTIAL;
    const want = this.#secret[from] as number;
    let partial = false;
    for (const width of spellings(bytes, at, want)) {
      if (width === PARTIAL) {
        partial = true;
        continue;
      }
      const rest = this.#matchAt(bytes, at + width, from + 1);
      if (rest >= 0) return width + rest;
      if (rest === PARTIAL) partial = true;
    }
    return partial ? PARTIAL : NONE;
  }
}

/** Secrets shorter than this are redacted only where they stand alone, as the client does. */
const MIN_FREE_LENGTH = 8;

/** Whether a byte may be part of a word: `A-Z`, `a-z`, `0-9`, `_`, `-`. */
function isWordByte(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  const lower = byte | 0x20;
  return (lower >= 97 && lower <= 122) || (byte >= 48 && byte <= 57) || byte === 95 ||
    byte === 45;
}

/**
 * The widths of the spellings of the byte `want` found at `bytes[at]`, with
 * {@linkcode PARTIAL} for one that `bytes` cuts short: the byte itself; for a
 * `+`, a space (a form decoder's reading); `%XX`, or `%25XX` encoded twice;
 * JSON's `\uXXXX`, and `\"`, `\\`, `\/`, behind any run of backslashes
 * (JSON in JSON).
 */
function spellings(bytes: Uint8Array, at: number, want: number): number[] {
  const first = bytes[at] as number;
  const found: number[] = [];
  if (first === want || (want === 43 && first === 32)) found.push(1);
  if (first === 37 /* % */) {
    found.push(hexAt(bytes, at + 1, want));
    const twice = hexAt(bytes, at + 1, 0x25);
    if (twice === PARTIAL) found.push(PARTIAL);
    else if (twice > 0) found.push(shift(hexAt(bytes, at + 3, want), 2));
    if (want === 43) found.push(hexAt(bytes, at + 1, 0x20)); // "+" read back as a space, encoded
  } else if (first === 92 /* \ */) {
    let run = 0;
    while (bytes[at + run] === 92) run++;
    const next = bytes[at + run];
    if (next === undefined) found.push(PARTIAL);
    else if (next === want && (want === 34 || want === 47)) found.push(run + 1);
    else if (next === 117 /* u */) {
      const zeros = hexAt(bytes, at + run + 1, 0);
      if (zeros === PARTIAL) found.push(PARTIAL);
      else if (zeros > 0) found.push(shift(hexAt(bytes, at + run + 3, want), run + 2));
    }
    // A backslash escaped once or more: "\\\\", "\\\\\\\\"…
    if (want === 92) {
      for (let width = 2; width <= run; width *= 2) found.push(width);
      if (next === undefined) found.push(PARTIAL);
    }
  }
  return found.filter((width) => width !== NONE);
}

/** `width + by` for a width, else {@linkcode NONE} or {@linkcode PARTIAL} as they are. */
function shift(width: number, by: number): number {
  return width > 0 ? width + by : width;
}

/**
 * Whether the two bytes at `at` are hex digits (either case) spelling
 * `value`: 3 (the width of `%XX`) when they are, {@linkcode NONE} or
 * {@linkcode PARTIAL}.
 */
function hexAt(bytes: Uint8Array, at: number, value: number): number {
  let read = 0;
  for (let i = 0; i < 2; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return PARTIAL;
    const lower = byte | 0x20;
    const digit = byte >= 48 && byte <= 57
      ? byte - 48
      : lower >= 97 && lower <= 102
      ? lower - 87
      : -1;
    if (digit < 0) return NONE;
    read = read * 16 + digit;
  }
  return read === value ? 3 : NONE;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
