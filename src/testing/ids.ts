/**
 * Deterministic ids: one counter per prefix, `task_0001`, `task_0002`, …
 *
 * @module
 */

/** Hands out sequential ids per prefix; `reset()` starts every counter again. */
export class Ids {
  readonly #counters = new Map<string, number>();

  /** The next id for `prefix`, e.g. `next("task")` → `"task_0001"`. */
  next(prefix: string): string {
    const value = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, value);
    return `${prefix}_${String(value).padStart(4, "0")}`;
  }

  /** Forgets every counter. */
  reset(): void {
    this.#counters.clear();
  }
}
