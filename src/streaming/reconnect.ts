/**
 * What the task and chat followers share: how long a stream may stay silent,
 * which failures are worth a reconnect, and the reconnect settings with their
 * defaults.
 *
 * @module
 */

import { APIConnectionError, ApiError, InferenceError, TimeoutError } from "../errors.ts";
import { count, delay, positive } from "../http/config.ts";

/** Reconnect settings, defaulted and checked. */
export interface ReconnectSettings {
  maxReconnects: number;
  reconnectDelayMs: number;
  idleTimeoutMs: number;
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  random: () => number;
}

/** The caller-facing reconnect options, as the resources accept them. */
export interface ReconnectOptions {
  maxReconnects?: number | undefined;
  reconnectDelayMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Applies the defaults (5 reconnects, 1 s first delay, 30 s idle) and rejects a
 * bad option naming it, before anything is sent.
 */
export function reconnectSettings(
  options: ReconnectOptions,
  defaults: { timeoutMs: number; maxRetries: number },
  random: () => number,
): ReconnectSettings {
  return {
    maxReconnects: count("maxReconnects", options.maxReconnects, 5),
    reconnectDelayMs: delay("reconnectDelayMs", options.reconnectDelayMs, 1_000),
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs, 30_000),
    timeoutMs: options.timeoutMs === undefined
      ? undefined
      : positive("timeoutMs", options.timeoutMs, defaults.timeoutMs),
    maxRetries: options.maxRetries === undefined
      ? undefined
      : count("maxRetries", options.maxRetries, defaults.maxRetries),
    random,
  };
}

/**
 * Reads one item, or fails with an idle `TimeoutError` when nothing (not even a
 * heartbeat) arrives in time. Errors of the body itself become connection
 * errors. `action` names what is followed, e.g. `follow task "task_1"`.
 */
export async function readWithin<T>(
  reader: ReadableStreamDefaultReader<T>,
  idleTimeoutMs: number,
  action: string,
): Promise<ReadableStreamReadResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new TimeoutError(
          `Cannot ${action}: the stream was silent for ${idleTimeoutMs} ms`,
          "idle",
          idleTimeoutMs,
        ),
      ), idleTimeoutMs);
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } catch (error) {
    if (error instanceof InferenceError) throw error;
    throw new APIConnectionError(`Cannot ${action}: the stream broke`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Transport trouble is worth a reconnect; an API refusal (401, 404, …) is not. */
export function isRecoverable(error: unknown): boolean {
  if (error instanceof ApiError) {
    const status = error.status ?? 0;
    return status === 408 || status === 429 || status >= 500;
  }
  return error instanceof InferenceError;
}
