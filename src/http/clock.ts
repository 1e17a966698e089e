/**
 * The client's time source: what every wait of the SDK's followers (polls,
 * reconnect backoff, stream watchdog, wait deadlines) and of its retries is
 * timed on, so that tests pass one in instead of faking globals.
 *
 * @module
 */

/**
 * A time source for the client (the `clock` option): a reading of the time
 * and a timer. The SDK calls these as methods of the object, so a class
 * instance works; it never calls them at import time.
 *
 * A clock that skips its waits should still call back on a later task
 * (`setTimeout(callback, 0)`), not synchronously: a follower polling a server
 * in the same process (the emulator) would otherwise never let it run.
 *
 * @example A clock that skips every wait and records it
 * ```ts
 * import type { ClientClock } from "@inferencesh/sdk/types";
 *
 * let now = 0;
 * const waits: number[] = [];
 * const instant: ClientClock = {
 *   now: () => now,
 *   setTimeout(callback, ms) {
 *     waits.push(ms);
 *     now += ms;
 *     return setTimeout(callback, 0);
 *   },
 *   clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
 * };
 * ```
 */
export interface ClientClock {
  /** Milliseconds from any origin, never going back (only differences are used). */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds of this clock; returns a handle. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer `setTimeout` returned; a handle that already fired, or `undefined`, is ignored. */
  clearTimeout(handle: unknown): void;
}

/** The runtime's clock: `Date.now` and the global timers, looked up at call time. */
export const systemClock: ClientClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
