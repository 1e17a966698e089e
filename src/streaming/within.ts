/**
 * A bounded follow: follows for at most a given time and, when the time is up,
 * hands back the latest state instead of an error, leaving what is followed to
 * go on. `tasks.wait` and `agents.wait` are built on it.
 *
 * @module
 */

import { abortable, linkSignals } from "../http/signals.ts";
import type { FollowClock } from "./options.ts";

/** Why a bounded follow stopped following (internal: never escapes `followWithin`). */
class DeadlineReached extends Error {
  constructor() {
    super("the wait's time is up");
    this.name = "DeadlineReached";
  }
}

/**
 * Runs `follow` for at most `timeoutMs` of `clock` (forever when undefined).
 * Resolves with what `follow` resolves with; when the time is up, `follow`'s
 * signal aborts and the result of `latest` is returned instead (no error).
 * An abort of `signal` rejects at once with its reason.
 */
export async function followWithin<T>(
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  clock: FollowClock,
  follow: (signal: AbortSignal) => Promise<T>,
  latest: () => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = timeoutMs === undefined
    ? undefined
    : clock.setTimeout(() => deadline.abort(new DeadlineReached()), timeoutMs);
  const link = linkSignals([signal, deadline.signal]);
  try {
    // The follow should settle on its own abort; this makes sure of it.
    return await abortable(follow(link.signal), link.signal);
  } catch (error) {
    if (signal?.aborted || !deadline.signal.aborted) throw error;
    return await abortable(latest(), signal);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    link.dispose();
  }
}

/** Checks a wait's `timeoutMs`: a finite number >= 0, or undefined (no bound). */
export function checkWaitTimeout(timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(
      `Invalid option 'timeoutMs': must be a finite number of ms >= 0: got ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}
