/**
 * Ids shaped like the live API's: 26 lowercase Crockford base32 characters
 * (a ULID's alphabet and length, 128 bits) with an 8-character `short_id`
 * prefix, e.g. `7jnx8hn08m6ysdp04bmp5xex3q` / `7jnx8hn0` (docs/protocol.md
 * §2.1, live captures). The live ids are not time-ordered, so these are not
 * either: they come from a seeded generator, the same sequence for every
 * emulator created with the same seed, and again after `reset()`.
 *
 * @module
 */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** What an id of the live API looks like. */
export const ID_PATTERN: RegExp = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

/** The one user every emulated resource belongs to (an id of the same shape). */
export const EMULATOR_USER_ID = "3f9k2m7q1v5x8c0d4n6r2t9w1h";

/** The one team every emulated resource belongs to. */
export const EMULATOR_TEAM_ID = "4b8h1n5r9v2x6c0m3q7t1d5k8w";

/** The `short_id` of `id`: its first 8 characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Hands out ULID-shaped ids from a seeded generator; `reset()` starts it again. */
export class Ids {
  readonly #seed: number;
  #state = 0;

  /** @param seed Any 32-bit number; the same seed gives the same ids. */
  constructor(seed = 0x1d2c3b4a) {
    this.#seed = seed >>> 0;
    this.reset();
  }

  /**
   * The next id. `kind` (`"task"`, `"file"`, …) only documents the caller: ids
   * of every kind come from one sequence (period 2^30 ids), so none repeats.
   */
  next(_kind?: string): string {
    let bits = 0n;
    for (let word = 0; word < 4; word++) bits = (bits << 32n) | BigInt(this.#word());
    let id = "";
    for (let index = 0; index < 26; index++) {
      id = ALPHABET[Number(bits & 31n)] + id;
      bits >>= 5n;
    }
    return id;
  }

  /** Starts the sequence again from the seed. */
  reset(): void {
    this.#state = this.#seed;
  }

  /** mulberry32: small, fast and good enough for ids. */
  #word(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  }
}
