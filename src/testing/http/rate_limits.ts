/**
 * The rate-limit headers every API answer carries (docs/protocol.md §2.6):
 * `X-RateLimit-Remaining` (requests left in the window) and `X-RateLimit-Reset`
 * (when the window ends, in Unix seconds), per route class, with the limits
 * the public docs name: runs 100 a minute, task reads 1000, uploads 50.
 *
 * The emulator only counts: it never refuses a request for going over (tests
 * and benchmarks run far more than 100 tasks a minute). A refusal is a fault:
 * `emulator.faults.rateLimitNext()`.
 *
 * @module
 */

import type { Clock } from "../clock.ts";

const WINDOW_MS = 60_000;

/** The documented limit of the class a request belongs to, and the class's name. */
function classify(method: string, pathname: string): { name: string; limit: number } {
  if (method === "POST" && (pathname === "/apps/run" || pathname === "/run")) {
    return { name: "run", limit: 100 };
  }
  if (method === "POST" && pathname === "/files") return { name: "upload", limit: 50 };
  if (method === "GET" && pathname.startsWith("/tasks/")) return { name: "task", limit: 1000 };
  // Not documented: counted against the read limit.
  return { name: "other", limit: 1000 };
}

/** Counts requests per class and minute of the emulator's clock. */
export class RateLimits {
  readonly #clock: Clock;
  readonly #counts = new Map<string, number>();
  #window = -1;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The end of the current window, in Unix seconds. */
  reset(): number {
    return Math.ceil((Math.floor(this.#clock.now() / WINDOW_MS) + 1) * WINDOW_MS / 1000);
  }

  /** Counts one request and returns the headers its answer carries. */
  count(method: string, pathname: string): Record<string, string> {
    const window = Math.floor(this.#clock.now() / WINDOW_MS);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const { name, limit } = classify(method, pathname);
    const used = (this.#counts.get(name) ?? 0) + 1;
    this.#counts.set(name, used);
    return {
      "x-ratelimit-remaining": String(Math.max(0, limit - used)),
      "x-ratelimit-reset": String(this.reset()),
    };
  }

  /** Forgets every count. */
  clear(): void {
    this.#counts.clear();
    this.#window = -1;
  }
}
