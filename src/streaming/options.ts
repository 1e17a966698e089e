/**
 * The one set of options that says how tasks and chats are followed, and its
 * defaults.
 *
 * @module
 */

import { type ClientClock, systemClock } from "../http/clock.ts";
import { count, delay, positive } from "../http/config.ts";
import { DEFAULT_MAX_LINE_BYTES } from "./values.ts";

/**
 * How a task or a chat is followed: over a stream or by polling, and how the
 * follower survives streams that fail. Accepted by `tasks.run`, `tasks.stream`,
 * and an agent's `sendMessage`, `streamMessages` and `streamChat`.
 *
 * A stream is kept alive by any bytes (heartbeats included); it is re-read
 * (`GET`) after `reconcileAfterMs` without a change, and the follow ends there if
 * what it follows is finished. Only an update that changes something resets the
 * count of failures, so a server that keeps resending the same snapshot and
 * closing reaches `maxReconnects` and then polling.
 *
 * @example
 * ```ts
 * import type { ResilienceOptions } from "@inferencesh/sdk/types";
 * const options: ResilienceOptions = {
 *   idleTimeoutMs: 15_000,
 *   maxReconnects: 10,
 *   fallbackToPolling: true,
 *   maxLineBytes: 16 * 1024 * 1024,
 * };
 * ```
 */
export interface ResilienceOptions {
  /**
   * Follow over a stream (`true`) or by polling (`false`: for places that cut
   * long responses, such as Workers and some proxies; no token deltas then).
   * @default {the client's `stream` option, true}
   */
  stream?: boolean | undefined;
  /**
   * Reconnect when the stream ends early, breaks, sends a bad or too long line,
   * goes silent, or is answered with HTML. Off: the first such failure rejects.
   * @default {true}
   */
  autoReconnect?: boolean | undefined;
  /**
   * Failed connections allowed in a row; only an update that changes something
   * resets the count.
   * @default {5}
   */
  maxReconnects?: number | undefined;
  /**
   * When `maxReconnects` stream failures came in a row, go on by polling
   * (without deltas) instead of rejecting: for networks that buffer or cut
   * streams.
   * @default {true}
   */
  fallbackToPolling?: boolean | undefined;
  /**
   * First reconnect (or repeated poll) delay in ms; it doubles per failure (with
   * jitter), up to 8 s.
   * @default {1000}
   */
  reconnectDelayMs?: number | undefined;
  /**
   * How long an open stream may send no bytes at all (the server sends a
   * heartbeat about every 10 s) before it counts as stalled and is reconnected.
   * Any bytes count, so a large update arriving slowly is never cut.
   * @default {30000}
   */
  idleTimeoutMs?: number | undefined;
  /**
   * How long an open stream may go without a change (only heartbeats, or
   * repeated snapshots) before the task or chat is re-read; the follow ends there
   * if it is finished, and goes on reading the stream otherwise.
   * @default {30000}
   */
  reconcileAfterMs?: number | undefined;
  /**
   * Poll period in ms when polling. Each poll is scheduled from the start of the
   * previous one, with ±20 % jitter (the first within one period), so that many
   * followers spread their polls.
   * @default {the client's `pollIntervalMs`, 2000}
   */
  pollIntervalMs?: number | undefined;
  /**
   * The longest line (or Server-Sent Event) a stream may send, in bytes. A longer
   * one is a `LineTooLongError` naming the cap: the stream counts as failed and
   * the task or chat is re-read. Memory stays bounded by it.
   * @default {67108864 (64 MiB)}
   */
  maxLineBytes?: number | undefined;
  /** Overrides the client's `timeoutMs` for each request and stream connect. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `maxRetries` for each request. */
  maxRetries?: number | undefined;
}

/** Time as the engine reads it: the client's `clock` option, or the runtime's. */
export type FollowClock = ClientClock;

export { systemClock };

/** {@linkcode ResilienceOptions}, defaulted and checked. */
export interface FollowSettings {
  signal: AbortSignal | undefined;
  stream: boolean;
  autoReconnect: boolean;
  fallbackToPolling: boolean;
  maxReconnects: number;
  reconnectDelayMs: number;
  idleTimeoutMs: number;
  reconcileAfterMs: number;
  pollIntervalMs: number;
  maxLineBytes: number;
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  random: () => number;
  clock: FollowClock;
}

/** The client defaults the settings fall back to. */
export interface FollowDefaults {
  stream: boolean;
  pollIntervalMs: number;
  timeoutMs: number;
  maxRetries: number;
  /** The client's `random` option (the jitter), when it has one. */
  random?: (() => number) | undefined;
  /** The client's `clock` option, when it has one. */
  clock?: FollowClock | undefined;
}

/**
 * Applies the defaults and rejects a bad option by name before anything is
 * sent. The jitter and the clock are the given ones, else the client's, else
 * the runtime's.
 */
export function followSettings(
  options: ResilienceOptions & { signal?: AbortSignal | undefined },
  defaults: FollowDefaults,
  random: () => number = defaults.random ?? Math.random,
  clock: FollowClock = defaults.clock ?? systemClock,
): FollowSettings {
  for (const name of ["stream", "autoReconnect", "fallbackToPolling"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "boolean") {
      throw new TypeError(`Invalid option '${name}': must be a boolean`);
    }
  }
  return {
    signal: options.signal,
    stream: options.stream ?? defaults.stream,
    autoReconnect: options.autoReconnect ?? true,
    fallbackToPolling: options.fallbackToPolling ?? true,
    maxReconnects: count("maxReconnects", options.maxReconnects, 5),
    reconnectDelayMs: delay("reconnectDelayMs", options.reconnectDelayMs, 1_000),
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs, 30_000),
    reconcileAfterMs: positive("reconcileAfterMs", options.reconcileAfterMs, 30_000),
    pollIntervalMs: delay("pollIntervalMs", options.pollIntervalMs, defaults.pollIntervalMs),
    maxLineBytes: count("maxLineBytes", options.maxLineBytes, DEFAULT_MAX_LINE_BYTES) || 1,
    timeoutMs: options.timeoutMs === undefined
      ? undefined
      : positive("timeoutMs", options.timeoutMs, defaults.timeoutMs),
    maxRetries: options.maxRetries === undefined
      ? undefined
      : count("maxRetries", options.maxRetries, defaults.maxRetries),
    random,
    clock,
  };
}
