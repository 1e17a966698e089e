/**
 * Abort-signal plumbing that works on every runtime, including those without
 * `AbortSignal.any` (edge-runtime).
 *
 * @module
 */

import { type ClientClock, systemClock } from "./clock.ts";

/** A signal that follows several others, and how to let go of them. */
export interface LinkedSignal {
  /** Aborts as soon as any input signal aborts, with that signal's reason. */
  readonly signal: AbortSignal;
  /** Removes the listeners placed on the input signals (a no-op with `AbortSignal.any`). */
  dispose(): void;
}

type AnyFunction = (signals: AbortSignal[]) => AbortSignal;

/**
 * Combines signals: the result aborts when the first of them does. Uses
 * `AbortSignal.any` where the runtime has it and a listener-based fallback
 * otherwise; passing `null` as `any` forces the fallback (tests do).
 */
export function linkSignals(
  signals: ReadonlyArray<AbortSignal | undefined>,
  any: AnyFunction | null = nativeAny(),
): LinkedSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (any) return { signal: any(present), dispose() {} };
  const controller = new AbortController();
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose() {} };
  }
  // Listeners on a long-lived caller signal would pile up per request, so they
  // are removed both when one fires and when the caller disposes the link.
  const listeners = present.map((source) => {
    const listener = () => {
      controller.abort(source.reason);
      dispose();
    };
    source.addEventListener("abort", listener, { once: true });
    return { source, listener };
  });
  function dispose(): void {
    for (const { source, listener } of listeners) source.removeEventListener("abort", listener);
  }
  return { signal: controller.signal, dispose };
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it
 * aborts (at once when it already has; `promise`'s own rejection is then
 * ignored, never left unhandled).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function nativeAny(): AnyFunction | null {
  const any = (AbortSignal as { any?: AnyFunction }).any;
  return typeof any === "function" ? (signals) => any.call(AbortSignal, signals) : null;
}

/**
 * Waits `ms` milliseconds of `clock`; rejects with the signal's reason as soon
 * as it aborts. The package's only way to pause, so that every wait is
 * abortable and runs on the clock the client was given.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  clock: Pick<ClientClock, "setTimeout" | "clearTimeout"> = systemClock,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
