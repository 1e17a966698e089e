/**
 * Chats, messages, runs and tool invocations of the emulator (protocol §6, §10.5).
 * Filled in by the agents work.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import type { Ids } from "../ids.ts";

/** Every chat of one emulator. */
export class ChatStore {
  readonly #clock: Clock;
  readonly #ids: Ids;

  constructor(clock: Clock, ids: Ids) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Stops every running turn and forgets every chat (reset and close). */
  clear(): void {
    void this.#clock;
    void this.#ids;
  }
}
