// A clock to pass to the client (its `clock` option) instead of faking
// globals: it records every wait asked of it and runs the wait at once, moving
// its time forward by it.
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
