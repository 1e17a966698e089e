/**
 * Sessions of the emulator (protocol §5, §10.4). Filled in by the sessions work.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Ids } from "../ids.ts";

/** Every session of one emulator. */
export class SessionStore {
  readonly #clock: Clock;
  readonly #ids: Ids;

  constructor(clock: Clock, ids: Ids) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Forgets every session (reset). */
  clear(): void {
    void this.#clock;
    void this.#ids;
  }
}
