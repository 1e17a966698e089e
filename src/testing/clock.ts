/**
 * Time sources for the emulator: the system clock by default, or a
 * {@linkcode ManualClock} that tests move by hand.
 *
 * @module
 */

/**
 * A source of the current time, in milliseconds since the Unix epoch.
 *
 * The emulator reads it for every timestamp it writes (`created_at`,
 * `updated_at`, event times) and, later, for session expiry. It does not drive
 * the real-time pauses between an app's steps (`stepMs`).
 *
 * @example A clock frozen at one instant
 * ```ts
 * import { type Clock, createEmulator } from "@inferencesh/sdk/testing";
 *
 * const frozen: Clock = { now: () => Date.UTC(2026, 0, 15, 10, 30) };
 * const emulator = createEmulator({ clock: frozen });
 * emulator.close();
 * ```
 */
export interface Clock {
  /** The current time in milliseconds since the Unix epoch. */
  now(): number;
}

/** The clock the emulator uses when none is given. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to, for deterministic timestamps.
 *
 * @example Advance time between two requests
 * ```ts
 * import { createEmulator, ManualClock } from "@inferencesh/sdk/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const clock = new ManualClock(Date.UTC(2026, 0, 1));
 * const emulator = createEmulator({ clock });
 * clock.advance(60_000);
 * strictEqual(new Date(clock.now()).toISOString(), "2026-01-01T00:01:00.000Z");
 * emulator.close();
 * ```
 */
export class ManualClock implements Clock {
  #now: number;

  /**
   * Creates a clock stopped at `start`.
   *
   * @param start Milliseconds since the Unix epoch; defaults to 2026-01-01T00:00:00Z.
   */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.#now = checkTime(start);
  }

  /** The time the clock is stopped at. */
  now(): number {
    return this.#now;
  }

  /**
   * Moves the clock forward.
   *
   * @param ms Milliseconds to add; must be a finite number of at least 0.
   * @throws {RangeError} When `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`Cannot advance the clock by ${ms}ms: expected a finite number >= 0`);
    }
    this.#now += ms;
  }

  /**
   * Sets the clock to an absolute time (it may go backwards).
   *
   * @param ms Milliseconds since the Unix epoch.
   * @throws {RangeError} When `ms` is not finite.
   */
  set(ms: number): void {
    this.#now = checkTime(ms);
  }
}

function checkTime(ms: number): number {
  if (!Number.isFinite(ms)) {
    throw new RangeError(`Cannot set the clock to ${ms}: expected a finite number`);
  }
  return ms;
}
