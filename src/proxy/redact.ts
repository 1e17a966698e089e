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
    const { out } = this.#scan(bytes, true);
    return out === bytes ? text : new TextDecoder().decode(out);
  }

  /**
   * A stream that redacts the bytes passing through it. It holds back only a
   * tail that may start a spelling of the key, so a stream's lines go on at
   * once.
   */
  stream(): TransformStream<Uint8Array, Uint8Array> {
    let pending: Uint8Array = new Uint8Array(0);
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        const bytes = pending.length === 0 ? chunk : concat(pending, chunk);
        const { out, rest } = this.#scan(bytes, false);
        pending = rest;
        if (out.length > 0) controller.enqueue(out);
      },
      flush: (controller) => {
        if (pending.length === 0) return;
        const { out } = this.#scan(pending, true);
        if (out.length > 0) controller.enqueue(out);
      },
    });
  }

  /**
   * Redacts `bytes`; unless `final`, a tail that may begin a spelling is
   * returned as `rest` instead.
   */
  #scan(bytes: Uint8Array, final: boolean): { out: Uint8Array; rest: Uint8Array } {
    if (this.#secret.length === 0) return { out: bytes, rest: new Uint8Array(0) };
    let pieces: Uint8Array[] | undefined;
    let copied = 0;
    const first = this.#secret[0];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      // Every spelling starts with the first character itself, "%" or "\".
      if (byte !== first && byte !== 37 && byte !== 92) continue;
      const length = this.#matchAt(bytes, i, 0);
      if (length === NONE || (length === PARTIAL && final)) continue;
      if (length === PARTIAL) {
        const out = pieces === undefined && copied === 0
          ? bytes.subarray(0, i)
          : concat(...(pieces ?? []), bytes.subarray(copied, i));
        return { out, rest: bytes.slice(i) };
      }
      pieces ??= [];
      pieces.push(bytes.subarray(copied, i), REDACTED_BYTES);
      copied = i + length;
      i = copied - 1;
    }
    if (pieces === undefined) return { out: bytes, rest: new Uint8Array(0) };
    pieces.push(bytes.subarray(copied));
    return { out: concat(...pieces), rest: new Uint8Array(0) };
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

/**
 * The widths of the spellings of the byte `want` found at `bytes[at]`: the
 * byte itself, `%XX`, `\uXXXX`, or `\` and the byte (JSON's `\"`, `\\`, `\/`);
 * {@linkcode PARTIAL} for one that `bytes` cuts short.
 */
function spellings(bytes: Uint8Array, at: number, want: number): number[] {
  const first = bytes[at] as number;
  const found: number[] = [];
  if (first === want) found.push(1);
  if (first === 37 /* % */) {
    found.push(hexAt(bytes, at + 1, 2, want));
  } else if (first === 92 /* \ */) {
    const next = bytes[at + 1];
    if (next === undefined) found.push(PARTIAL);
    else if (next === want && (want === 34 || want === 92 || want === 47)) found.push(2);
    else if (next === 117 /* u */) {
      const zeros = hexAt(bytes, at + 2, 2, 0);
      if (zeros === PARTIAL) found.push(PARTIAL);
      else if (zeros > 0) {
        const low = hexAt(bytes, at + 4, 2, want);
        if (low !== NONE) found.push(low === PARTIAL ? PARTIAL : 6);
      }
    }
  }
  return found.filter((width) => width !== NONE);
}

/**
 * Whether `bytes[at, at + digits)` are hex digits (either case) spelling
 * `value`: `digits + 1` (the width of `%XX`) when they are, {@linkcode NONE}
 * or {@linkcode PARTIAL}.
 */
function hexAt(bytes: Uint8Array, at: number, digits: number, value: number): number {
  let read = 0;
  for (let i = 0; i < digits; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return PARTIAL;
    const digit = byte >= 48 && byte <= 57
      ? byte - 48
      : (byte | 0x20) >= 97 && (byte | 0x20) <= 102
      ? (byte | 0x20) - 87
      : -1;
    if (digit < 0) return NONE;
    read = read * 16 + digit;
  }
  return read === value ? digits + 1 : NONE;
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
