/**
 * The one redaction of the SDK, used by the client (every error it raises) and
 * by the proxy (every body and header it relays, as they stream). It removes
 * every secret (the client's key and each token `getToken` returned; the
 * proxy's key) in every spelling a server or proxy may echo it in: raw,
 * JSON-escaped (`\/`, `\"`, `\\`, `\u0026`, escaped again at any depth),
 * percent-encoded (`%2B`, double-encoded `%252B`, either hex case, and `+` read
 * back as a space), and any mix of these per character. A long secret's
 * fragments go too (any 12 characters of it in a row, raw), since text is often
 * cut: an excerpt, a runtime's JSON error quoting part of a line.
 *
 * It works on bytes, one position at a time, so a stream can be redacted as it
 * passes, holding back only a tail that may begin a spelling or continue a
 * fragment.
 *
 * @module
 */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

const REDACTED_BYTES = new TextEncoder().encode(REDACTED);

/** Secrets shorter than this are redacted only where they stand alone (a test key like "k"). */
const MIN_FREE_LENGTH = 8;
/** Token rotation can go on for months: the newest this many tokens are kept. */
const MAX_SECRETS = 256;
/** Any run of this many characters of a secret is a fragment of it, and redacted. */
const FRAGMENT = 12;
/** Secrets at least this long are also redacted in fragments. */
const MIN_FRAGMENTED_LENGTH = 16;

/** The bytes ended inside what may be a spelling (or a fragment) of a secret. */
const PARTIAL = -2;
const NONE = -1;

/**
 * Whether a key or token is sendable: printable ASCII with no whitespace. A
 * header value with a line feed or NUL makes the runtime throw a message that
 * quotes it, and a space would be silently trimmed.
 */
export function isSendableSecret(secret: string): boolean {
  return /^[\x21-\x7e]+$/.test(secret);
}

/** The secrets of one client (or one proxied request), and the redaction of text, bytes and errors. */
export class Redactor {
  /** The secrets in the order they came, for the cap. */
  readonly #added: string[] = [];
  /** The secrets' bytes, longest first, so a secret that contains another is removed whole. */
  #secrets: Uint8Array[] = [];
  /** Bytes that may begin a spelling of some secret. */
  #starts = new Uint8Array(256);
  /** For each pair of bytes in a long secret (`a << 8 | b`), where it stands: [secret, index]. */
  #pairs = new Map<number, number[]>();
  /** The same pairs as a bit set, a quick "no" for the rest. */
  #pairBits = new Uint32Array(2048);
  /** Bytes that stand in some long secret. */
  #inLong = new Uint8Array(256);

  /** Creates a redactor, knowing `secret` already when one is given. */
  constructor(secret?: string) {
    if (secret !== undefined) this.add(secret);
  }

  /** Remembers a secret (a no-op for one already known or for `""`). */
  add(secret: string): void {
    if (secret === "" || this.#added.includes(secret)) return;
    this.#added.push(secret);
    if (this.#added.length > MAX_SECRETS) this.#added.shift();
    const encoder = new TextEncoder();
    this.#secrets = this.#added.map((text) => encoder.encode(text))
      .sort((a, b) => b.length - a.length);
    this.#starts = new Uint8Array(256);
    this.#starts[37] = 1; // "%"
    this.#starts[92] = 1; // "\"
    this.#pairs = new Map();
    this.#pairBits = new Uint32Array(2048);
    this.#inLong = new Uint8Array(256);
    this.#secrets.forEach((bytes, index) => {
      this.#starts[bytes[0]!] = 1;
      if (bytes[0] === 43) this.#starts[32] = 1; // a "+" read back as a space
      if (bytes.length < MIN_FRAGMENTED_LENGTH) return;
      for (let at = 0; at < bytes.length; at++) {
        this.#inLong[bytes[at]!] = 1;
        if (at + 1 === bytes.length) break;
        const pair = (bytes[at]! << 8) | bytes[at + 1]!;
        this.#pairBits[pair >>> 5]! |= 1 << (pair & 31);
        const places = this.#pairs.get(pair);
        if (places === undefined) this.#pairs.set(pair, [index, at]);
        else places.push(index, at);
      }
    });
  }

  /**
   * `text` with every spelling of every secret replaced by `[redacted]`, and
   * every fragment of a long one (the longest run of the secret there).
   */
  text(text: string): string {
    if (this.#secrets.length === 0) return text;
    const bytes = new TextEncoder().encode(text);
    const { out } = this.#scan(bytes, true, undefined);
    return out === bytes ? text : new TextDecoder().decode(out);
  }

  /**
   * A stream that redacts the bytes passing through it. It holds back only a
   * tail that may begin a spelling of a secret or continue a fragment, so a
   * stream's lines go on at once.
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
   * Redacts an error in place and returns it: its message, stack, own fields
   * (strings, arrays and plain objects, at any depth: `body`, `detail`, `title`,
   * `line`, `problem`, …) and its `cause` chain. Anything else is returned as is.
   */
  error<E>(error: E): E {
    if (this.#secrets.length > 0) this.#scrub(error, new WeakSet(), 0);
    return error;
  }

  #scrub(value: unknown, seen: WeakSet<object>, depth: number): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null || depth > 8 || seen.has(value)) return value;
    seen.add(value);
    const target = value as Record<string, unknown>;
    const keys = new Set(Object.keys(target));
    if (value instanceof Error) {
      // The stack first: reading it formats it (with the message as it is now).
      for (const key of ["stack", "message", "cause"]) keys.add(key);
    } else if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
      return value;
    }
    for (const key of keys) {
      const clean = this.text(key);
      if (clean !== key && !Array.isArray(value)) {
        // A secret used as a property name (`{"<key>": …}`) is renamed.
        target[clean] = target[key];
        delete target[key];
        keys.add(clean);
        continue;
      }
      let current: unknown;
      try {
        current = target[key];
      } catch {
        continue;
      }
      const scrubbed = this.#scrub(current, seen, depth + 1);
      if (scrubbed === current) continue;
      try {
        target[key] = scrubbed;
      } catch {
        try {
          Object.defineProperty(target, key, { value: scrubbed, configurable: true });
        } catch {
          // A frozen object: nothing more can be done for it.
        }
      }
    }
    return value;
  }

  /**
   * Redacts `bytes`; unless `final`, a tail that may begin a spelling or continue
   * a fragment is returned as `rest` instead. `before` is the byte that preceded them.
   */
  #scan(
    bytes: Uint8Array,
    final: boolean,
    before: number | undefined,
  ): { out: Uint8Array; rest: Uint8Array } {
    if (this.#secrets.length === 0) return { out: bytes, rest: new Uint8Array(0) };
    let pieces: Uint8Array[] | undefined;
    let copied = 0;
    const hold = (at: number) => {
      const out = pieces === undefined
        ? bytes.subarray(0, at)
        : concat(...pieces, bytes.subarray(copied, at));
      return { out, rest: bytes.slice(at) };
    };
    const starts = this.#starts;
    const inLong = this.#inLong;
    const pairBits = this.#pairBits;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (starts[byte] === 0) {
        // Most bytes: no spelling starts here, and no fragment either.
        if (inLong[byte] === 0) continue;
        const next = bytes[i + 1];
        if (next !== undefined) {
          const pair = (byte << 8) | next;
          if ((pairBits[pair >>> 5]! & (1 << (pair & 31))) === 0) continue;
        }
      }
      let length = NONE;
      if (starts[byte] === 1) {
        const previous = i > 0 ? bytes[i - 1] : before;
        for (const secret of this.#secrets) {
          length = this.#spellingAt(secret, bytes, i, previous, final);
          if (length !== NONE) break;
        }
      }
      if (length === NONE && inLong[byte] === 1) length = this.#fragmentAt(bytes, i, final);
      if (length === NONE) continue;
      if (length === PARTIAL) return hold(i);
      pieces ??= [];
      pieces.push(bytes.subarray(copied, i), REDACTED_BYTES);
      copied = i + length;
      i = copied - 1;
    }
    const out = pieces === undefined ? bytes : concat(...pieces, bytes.subarray(copied));
    return { out, rest: new Uint8Array(0) };
  }

  /** The length of a spelling of `secret` at `bytes[at]`, {@linkcode NONE} or {@linkcode PARTIAL}. */
  #spellingAt(
    secret: Uint8Array,
    bytes: Uint8Array,
    at: number,
    previous: number | undefined,
    final: boolean,
  ): number {
    const short = secret.length < MIN_FREE_LENGTH;
    // A short secret (a test key like "k") is only taken where it stands alone.
    if (short && isWordByte(previous)) return NONE;
    let length = matchAt(secret, bytes, at, 0);
    if (short && length >= 0) {
      const after = bytes[at + length];
      if (after === undefined && !final) length = PARTIAL;
      else if (isWordByte(after)) length = NONE;
    }
    return length === PARTIAL && final ? NONE : length;
  }

  /**
   * The length of the longest run of a long secret at `bytes[at]` when it is a
   * fragment (at least {@linkcode FRAGMENT} bytes), {@linkcode NONE}, or
   * {@linkcode PARTIAL} when the bytes end inside a run that may go on.
   */
  #fragmentAt(bytes: Uint8Array, at: number, final: boolean): number {
    if (at + 1 >= bytes.length) return final ? NONE : PARTIAL;
    const pair = (bytes[at]! << 8) | bytes[at + 1]!;
    if ((this.#pairBits[pair >>> 5]! & (1 << (pair & 31))) === 0) return NONE;
    const places = this.#pairs.get(pair)!;
    let longest = 0;
    for (let p = 0; p < places.length; p += 2) {
      const secret = this.#secrets[places[p]!]!;
      const from = places[p + 1]!;
      let length = 2;
      while (from + length < secret.length && bytes[at + length] === secret[from + length]) {
        length++;
      }
      if (!final && at + length === bytes.length && from + length < secret.length) return PARTIAL;
      if (length > longest) longest = length;
    }
    return longest >= FRAGMENT ? longest : NONE;
  }
}

/**
 * The length of a spelling of `secret[from..]` that starts at `bytes[at]`,
 * {@linkcode NONE}, or {@linkcode PARTIAL} when `bytes` ends inside one.
 */
function matchAt(secret: Uint8Array, bytes: Uint8Array, at: number, from: number): number {
  if (from === secret.length) return 0;
  if (at >= bytes.length) return PARTIAL;
  let partial = false;
  for (const width of spellings(bytes, at, secret[from]!)) {
    if (width === PARTIAL) {
      partial = true;
      continue;
    }
    const rest = matchAt(secret, bytes, at + width, from + 1);
    if (rest >= 0) return width + rest;
    if (rest === PARTIAL) partial = true;
  }
  return partial ? PARTIAL : NONE;
}

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
 * `+`, a space (a form decoder's reading), raw or percent-encoded; `%XX`, or
 * `%25XX` encoded twice; JSON's `\uXXXX`, and `\"`, `\\`, `\/`, behind any run
 * of backslashes (JSON in JSON).
 */
function spellings(bytes: Uint8Array, at: number, want: number): number[] {
  const first = bytes[at]!;
  const found: number[] = [];
  if (first === want || (want === 43 && first === 32)) found.push(1);
  if (first === 37 /* % */) {
    found.push(hexAt(bytes, at + 1, want));
    if (want === 43) found.push(hexAt(bytes, at + 1, 0x20)); // "+" read back as a space, encoded
    const twice = hexAt(bytes, at + 1, 0x25);
    if (twice === PARTIAL) found.push(PARTIAL);
    else if (twice > 0) {
      found.push(shift(hexAt(bytes, at + 3, want), 2));
      if (want === 43) found.push(shift(hexAt(bytes, at + 3, 0x20), 2));
    }
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
