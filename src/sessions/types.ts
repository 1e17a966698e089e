/**
 * Wire and option types of sessions.
 *
 * @module
 */

import type { RunOptions } from "../tasks/tasks.ts";
import type { Infra } from "../tasks/types.ts";

/**
 * A session as the API returns it (`AppSessionDTO`): a worker leased to one
 * app, kept warm between calls until it is ended or stays idle for
 * `idle_timeout` seconds. Every other field the API sends is kept as is.
 *
 * @example
 * ```ts
 * import type { AppSession } from "@inferencesh/sdk/types";
 * function show(session: AppSession) {
 *   console.log(session.id, session.status, session.expires_at, session.call_count);
 * }
 * ```
 */
export interface AppSession {
  /** Session id, e.g. `1m8c4v7z2k5q9w3t6n0r8x4d2g`. */
  id: string;
  /** `"active"`, `"ended"` or `"expired"`. */
  status: string;
  /** The app the session runs. */
  "app_id"?: string | undefined;
  /** The app version the session runs. */
  "app_version_id"?: string | undefined;
  /** The leased worker. */
  "worker_id"?: string | undefined;
  /** Idle seconds after which the session expires. */
  "idle_timeout"?: number | undefined;
  /** When the session expires unless called or kept alive (RFC 3339). */
  "expires_at"?: string | null | undefined;
  /** When it ended or expired (RFC 3339). */
  "ended_at"?: string | null | undefined;
  /** Calls made in the session so far. */
  "call_count"?: number | undefined;
  /** When the last call was made (RFC 3339). */
  "last_call_at"?: string | null | undefined;
  /** The latest task of the session. */
  "task_id"?: string | null | undefined;
  /** When the session began (RFC 3339). */
  "created_at"?: string | undefined;
  /** Every other field of the API's AppSessionDTO. */
  [field: string]: unknown;
}

/**
 * Options of {@linkcode Sessions.open}: how the session's worker is set up.
 *
 * @example
 * ```ts
 * import type { SessionOptions } from "@inferencesh/sdk/types";
 * const options: SessionOptions = { timeout: 300, setup: { model: "schnell" } };
 * ```
 */
export interface SessionOptions {
  /**
   * Idle seconds, 1..3600, after which the API ends the session (`session_timeout`).
   * @default {the API's, 60}
   */
  timeout?: number | undefined;
  /** Setup parameters of the worker, sent with every call. */
  setup?: Record<string, unknown> | undefined;
  /** Where the worker runs. */
  infra?: Infra | undefined;
  /** App variant. */
  variant?: string | undefined;
}

/**
 * Options of {@linkcode Session.run}: those of `tasks.run`, and the function of
 * a multi-function app.
 *
 * @example
 * ```ts
 * import type { SessionRunOptions } from "@inferencesh/sdk/types";
 * const options: SessionRunOptions = { function: "generate", onUpdate: (t) => console.log(t.status) };
 * ```
 *
 * @typeParam Output The output type `outputSchema` produces.
 */
export interface SessionRunOptions<Output = unknown> extends RunOptions<Output> {
  /** The app function to call (the API's default is `"run"`). */
  function?: string | undefined;
}
