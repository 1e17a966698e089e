/**
 * The retry policy, as pure functions: which failures are worth another attempt,
 * and how long to wait before it.
 *
 * @module
 */

/**
 * How a call may be retried.
 * - `idempotent`: repeating it is harmless (GET, cancel): retry connection
 *   errors, timeouts, 408, 429 and 5xx.
 * - `create`: it creates something (a task, a file): retry only when the server
 *   certainly did not act on it: 429, 503, or a connection refused before the
 *   request left.
 */
export type RetryMode = "idempotent" | "create";

/** The longest server-requested wait the SDK sleeps through; beyond it, the error surfaces. */
export const MAX_RETRY_AFTER_MS = 60_000;

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** Whether a response status is worth retrying under `mode`. */
export function isRetryableStatus(status: number, mode: RetryMode): boolean {
  if (mode === "create") return status === 429 || status === 503;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … capped at 8 s, each
 * shortened by up to a quarter so that many clients do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs: number = BASE_DELAY_MS,
): number {
  const ceiling = Math.min(MAX_DELAY_MS, baseMs * 2 ** attempt);
  return Math.round(ceiling * (1 - 0.25 * random()));
}

/**
 * Reads how long the server asked to wait: `retry-after-ms`, else `Retry-After`
 * as seconds or as an HTTP date. Returns `undefined` when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Only a date has letters (a day or month name); Date.parse would read "-3" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Reads when a rate limit resets, from `X-RateLimit-Reset`, as a wait in ms. The
 * inference.sh REST docs show it as Unix seconds (`X-RateLimit-Reset: 1640000000`);
 * a value of 10^12 or more is read as Unix milliseconds, and a small number (below
 * 10^9, which no current Unix time is) as seconds from now, as some servers send.
 * Returns `undefined` when absent, unreadable or already past (clocks differ, so a
 * past reset says nothing; the backoff applies then).
 */
export function parseRateLimitReset(
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  const value = headers.get("x-ratelimit-reset")?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const number = Number(value);
  const wait = number >= 1e12 ? number - now : number >= 1e9 ? number * 1000 - now : number * 1000;
  return wait > 0 ? Math.ceil(wait) : undefined;
}

/**
 * Whether a fetch failure means the connection was refused, i.e. the request
 * never reached the server. Runtimes say so differently (Node: `ECONNREFUSED`
 * on the cause, Bun: `ConnectionRefused`, Deno: "Connection refused" in the
 * message), so the error and its causes are searched for any of them.
 */
export function isConnectionRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const { code, message } = current as { code?: unknown; message?: unknown };
      if (code === "ECONNREFUSED" || code === "ConnectionRefused") return true;
      if (typeof message === "string" && /ECONNREFUSED|connection refused/i.test(message)) {
        return true;
      }
      current = (current as { cause?: unknown }).cause;
    } else {
      return false;
    }
  }
  return false;
}
