// Clocks to pass to the client (its `clock` option) or to the follow engine
// instead of faking globals: RecordingClock runs every wait at once and records
// it; ManualClock holds its timers until the test fires them.
import type { ClientClock } from "../src/http/clock.ts";

/** Runs each timer at once (on a microtask), recording its delay and adding it to `time`. */
export class RecordingClock implements ClientClock {
  /** The current time; a test may move it too (the time a request "takes"). */
  time = 0;
  /** Every delay asked for, rounded to the ms, in order. */
  readonly waits: number[] = [];
  readonly #cleared = new Set<number>();
  #next = 0;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.waits.push(Math.round(ms));
    queueMicrotask(() => {
      if (this.#cleared.has(id)) return;
      this.time += ms;
      callback();
    });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#cleared.add(handle as number);
  }
}

/**
 * A clock the test moves: its timers fire only when the test calls `fire()`
 * (every pending timer) or `advance(ms)` (the time moves on; the timers due
 * by then fire).
 */
export class ManualClock implements ClientClock {
  time = 0;
  /** The pending timers, by handle. */
  readonly timers = new Map<number, { at: number; callback: () => void }>();
  #next = 0;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Fires every pending timer (not those they set in turn), whenever it is due. */
  fire(): void {
    const pending = [...this.timers.values()];
    this.timers.clear();
    for (const { callback } of pending) callback();
  }

  /** Moves the time on by `ms` and fires the timers due by then (not those they set in turn). */
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}

/**
 * The pause between two polls that the polling schedule asks for: one period
 * (`intervalMs` jittered by ±20 % with `random`) from the start of the previous
 * poll, so less the `tookMs` that poll took; rounded as `RecordingClock` records it.
 */
export function pollPause(intervalMs: number, random: number, tookMs: number): number {
  return Math.round(intervalMs * (0.8 + 0.4 * random) - tookMs);
}
