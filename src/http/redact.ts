/**
 * The one redaction of the SDK: removes every secret a client used (its key,
 * each token `getToken` returned) from every field of an error, in every
 * spelling a server or proxy may echo it in: raw, JSON-escaped (`\/`, `\"`,
 * `\u0026`, escaped again at any depth), percent-encoded (`%2B`, double-encoded
 * `%252B`, and `+` read back as a space), and any mix of these per character.
 * A long secret's fragments go too (any 12 characters of it in a row, raw), since
 * text is often cut: an excerpt, a runtime's JSON error quoting part of a line.
 *
 * @module
 */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Secrets shorter than this are redacted only where they stand alone (a test key like "k"). */
const MIN_FREE_LENGTH = 8;
/** Token rotation can go on for months: the newest this many tokens are kept. */
const MAX_SECRETS = 256;
/** Any run of this many characters of a secret is a fragment of it, and redacted. */
const FRAGMENT = 12;
/** Secrets at least this long are also redacted in fragments. */
const MIN_FRAGMENTED_LENGTH = 16;

/**
 * Whether a key or token is sendable: printable ASCII with no whitespace. A
 * header value with a line feed or NUL makes the runtime throw a message that
 * quotes it, and a space would be silently trimmed.
 */
export function isSendableSecret(secret: string): boolean {
  return /^[\x21-\x7e]+$/.test(secret);
}

/** The secrets of one client, and the redaction of text and errors against them. */
export class Redactor {
  readonly #secrets: string[] = [];
  #pattern: RegExp | undefined;
  /** Matches any window of FRAGMENT characters of a long secret. */
  #fragments: RegExp | undefined;

  /** Remembers a secret (a no-op for one already known or for `""`). */
  add(secret: string): void {
    if (secret === "" || this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    if (this.#secrets.length > MAX_SECRETS) this.#secrets.shift();
    // Longest first, so a secret that contains another is removed whole.
    const sources = [...this.#secrets].sort((a, b) => b.length - a.length).map(secretPattern);
    this.#pattern = new RegExp(sources.join("|"), "g");
    const windows = new Set<string>();
    for (const long of this.#secrets) {
      if (long.length < MIN_FRAGMENTED_LENGTH) continue;
      for (let at = 0; at + FRAGMENT <= long.length; at++) {
        windows.add(escapeRegExp(long.slice(at, at + FRAGMENT)));
      }
    }
    this.#fragments = windows.size === 0 ? undefined : new RegExp([...windows].join("|"), "g");
  }

  /**
   * `text` with every spelling of every secret replaced by `[redacted]`, and
   * every fragment of a long one (grown to the longest run of the secret there).
   */
  text(text: string): string {
    if (this.#pattern === undefined) return text;
    const redacted = text.replace(this.#pattern, REDACTED);
    return this.#fragments === undefined ? redacted : this.#withoutFragments(redacted);
  }

  #withoutFragments(text: string): string {
    const fragments = this.#fragments!;
    fragments.lastIndex = 0;
    let out = "";
    let done = 0;
    for (let match = fragments.exec(text); match !== null; match = fragments.exec(text)) {
      let [start, end] = [match.index, match.index + match[0].length];
      // Grow the window both ways while it is still a run of one of the secrets.
      for (const secret of this.#secrets) {
        for (let at = secret.indexOf(match[0]); at !== -1; at = secret.indexOf(match[0], at + 1)) {
          let [left, right] = [match.index, match.index + match[0].length];
          let [from, to] = [at, at + match[0].length];
          while (from > 0 && left > done && text[left - 1] === secret[from - 1]) left--, from--;
          while (to < secret.length && text[right] === secret[to]) right++, to++;
          start = Math.min(start, left);
          end = Math.max(end, right);
        }
      }
      out += text.slice(done, start) + REDACTED;
      done = end;
      fragments.lastIndex = end;
    }
    return out + text.slice(done);
  }

  /**
   * Redacts an error in place and returns it: its message, stack, own fields
   * (strings, arrays and plain objects, at any depth: `body`, `detail`, `title`,
   * `line`, `problem`, …) and its `cause` chain. Anything else is returned as is.
   */
  error<E>(error: E): E {
    if (this.#pattern !== undefined) this.#scrub(error, new WeakSet(), 0);
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
}

/** A regular expression source matching `secret` in any of its spellings. */
function secretPattern(secret: string): string {
  const body = [...secret].map(charPattern).join("");
  if (secret.length >= MIN_FREE_LENGTH) return body;
  return `(?<![A-Za-z0-9_\\-])${body}(?![A-Za-z0-9_\\-])`;
}

/** Every spelling of one character: raw, JSON-escaped, percent-encoded. */
function charPattern(char: string): string {
  const spellings = [escapeRegExp(char)];
  const code = char.codePointAt(0)!;
  // JSON escapes, escaped again any number of times (`\/`, `\\\/`, `\u002f`).
  const slashes = "(?:\\\\)+";
  if (code <= 0xffff) spellings.push(`${slashes}u${hex(code, 4)}`);
  if (char === "/" || char === '"' || char === "\\") spellings.push(slashes + escapeRegExp(char));
  // Percent-encoded UTF-8, possibly encoded twice (`%2F`, `%252F`).
  const bytes = [...new TextEncoder().encode(char)];
  if (bytes.length > 1 || !/[A-Za-z0-9]/.test(char)) {
    spellings.push(bytes.map((byte) => `%(?:25)?${hex(byte, 2)}`).join(""));
  }
  // A `+` read back by a form decoder is a space.
  if (char === "+") spellings.push(" ", "%(?:25)?20");
  return `(?:${spellings.join("|")})`;
}

/** A case-insensitive pattern of `value` in hexadecimal, `digits` wide. */
function hex(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, "0")]
    .map((digit) => /[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)
    .join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
