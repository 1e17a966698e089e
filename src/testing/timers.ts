/**
 * Every timer the emulator starts goes through here, so that `close()` and
 * `reset()` can stop them all and nothing keeps the process alive.
 *
 * @module
 */

/** Tracks timeouts and intervals; `clearAll()` stops every one still pending. */
export class Timers {
  readonly #timeouts = new Set<ReturnType<typeof setTimeout>>();
  readonly #intervals = new Set<ReturnType<typeof setInterval>>();

  /** Like `setTimeout`, but tracked until it fires or is cleared. */
  setTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const id = setTimeout(() => {
      this.#timeouts.delete(id);
      callback();
    }, ms);
    this.#timeouts.add(id);
    return id;
  }

  /** Clears a timeout started by {@linkcode Timers.setTimeout}. */
  clearTimeout(id: ReturnType<typeof setTimeout>): void {
    clearTimeout(id);
    this.#timeouts.delete(id);
  }

  /** Like `setInterval`, but tracked until cleared. */
  setInterval(callback: () => void, ms: number): ReturnType<typeof setInterval> {
    const id = setInterval(callback, ms);
    this.#intervals.add(id);
    return id;
  }

  /** Clears an interval started by {@linkcode Timers.setInterval}. */
  clearInterval(id: ReturnType<typeof setInterval>): void {
    clearInterval(id);
    this.#intervals.delete(id);
  }

  /** Resolves after `ms`; rejects with `signal.reason` as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.clearTimeout(id);
        reject(signal.reason);
      };
      const id = this.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Number of pending timeouts and intervals (for tests). */
  get pending(): number {
    return this.#timeouts.size + this.#intervals.size;
  }

  /** Stops every pending timeout and interval. */
  clearAll(): void {
    for (const id of this.#timeouts) clearTimeout(id);
    for (const id of this.#intervals) clearInterval(id);
    this.#timeouts.clear();
    this.#intervals.clear();
  }
}
