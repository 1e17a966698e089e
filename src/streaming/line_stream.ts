/**
 * Splitting text into lines, in linear time whatever the line length.
 *
 * @module
 */

const LF = 0x0a;

/** Options for {@linkcode LineSplitter}. */
export interface LineSplitterOptions {
  /**
   * Also end a line at a lone `\r` (as Server-Sent Events do). When false, only `\n` and `\r\n`
   * end lines and a lone `\r` stays in the line.
   *
   * @default {false}
   */
  allowCR?: boolean | undefined;
}

/**
 * Splits text pushed in pieces into lines: feed it text, it calls back once per complete line,
 * without the line terminator. `\n` and `\r\n` end lines (and a lone `\r` too with `allowCR`);
 * a final line without a terminator is given by `end()`.
 *
 * Each chunk is scanned once, and the fragments of an unfinished line are kept in an array that is
 * joined once when the line ends, so a line of any length costs time linear in its size.
 * The Server-Sent Events decoder (`SseValueDecoder`) reads its lines with it.
 *
 * @example Split text pushed in pieces
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const splitter = new LineSplitter();
 * splitter.push("one\r", (line) => lines.push(line));
 * splitter.push("\ntwo", (line) => lines.push(line));
 * splitter.end((line) => lines.push(line));
 * deepStrictEqual(lines, ["one", "two"]);
 * ```
 */
export class LineSplitter {
  readonly #allowCR: boolean;
  /** Fragments of the current, unfinished line. */
  #pending: string[] = [];
  /** The last chunk ended with `\r` that may be the first half of a CRLF (allowCR false). */
  #pendingCR = false;
  /** The last chunk ended a line at `\r`, so a `\n` opening the next chunk is its CRLF tail. */
  #skipLF = false;

  /** Creates a splitter; `options.allowCR` makes a lone `\r` end a line too. */
  constructor(options: LineSplitterOptions = {}) {
    this.#allowCR = options.allowCR ?? false;
  }

  /**
   * Splits one chunk of text, calling `onLine` for every line that it completes.
   *
   * @param chunk The next piece of text.
   * @param onLine Receives each complete line, without its terminator.
   */
  push(chunk: string, onLine: (line: string) => void): void {
    const length = chunk.length;
    // An empty chunk decides nothing: keep any pending CR for the next one.
    if (length === 0) return;
    let position = 0;
    if (this.#skipLF) {
      this.#skipLF = false;
      if (chunk.charCodeAt(0) === LF) position = 1;
    } else if (this.#pendingCR) {
      this.#pendingCR = false;
      if (chunk.charCodeAt(0) === LF) {
        onLine(this.#take(""));
        position = 1;
      } else {
        this.#pending.push("\r");
      }
    }
    // Next known separator positions; -2 means "not searched yet", -1 "none left in this chunk".
    // Caching them keeps the scan linear even when one separator is much rarer than the other.
    let lf = -2;
    let cr = this.#allowCR ? -2 : -1;
    while (position < length) {
      if (lf !== -1 && lf < position) lf = chunk.indexOf("\n", position);
      if (cr !== -1 && cr < position) cr = chunk.indexOf("\r", position);
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // Only reachable with allowCR: a CR ends the line now, and swallows an LF right after it.
        onLine(this.#take(chunk.slice(position, cr)));
        if (cr + 1 === length) this.#skipLF = true;
        position = chunk.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        continue;
      }
      if (lf === -1) {
        let end = length;
        // Without allowCR a final CR may still turn out to be half of a CRLF.
        if (!this.#allowCR && chunk.charCodeAt(length - 1) === 0x0d) {
          this.#pendingCR = true;
          end = length - 1;
        }
        if (end > position) this.#pending.push(chunk.slice(position, end));
        return;
      }
      const end = lf > position && chunk.charCodeAt(lf - 1) === 0x0d ? lf - 1 : lf;
      onLine(this.#take(chunk.slice(position, end)));
      position = lf + 1;
    }
  }

  /**
   * Ends the input, calling `onLine` with the final unterminated line if there is one.
   *
   * @param onLine Receives the final line, without its terminator.
   */
  end(onLine: (line: string) => void): void {
    if (this.#pendingCR) {
      // No LF followed, so the CR was part of the text.
      this.#pendingCR = false;
      this.#pending.push("\r");
    }
    this.#skipLF = false;
    if (this.#pending.length > 0) onLine(this.#take(""));
  }

  /** Returns the pending fragments plus `last` as one string, and clears them. */
  #take(last: string): string {
    if (this.#pending.length === 0) return last;
    if (last !== "") this.#pending.push(last);
    const line = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join("");
    this.#pending = [];
    return line;
  }
}
