/**
 * Wire types of tasks, with the API's own field names.
 *
 * @module
 */

import type { TaskStatus } from "./status.ts";

/**
 * One log stream of a task.
 *
 * @example
 * ```ts
 * import type { TaskLog } from "@inferencesh/sdk/types";
 * const log: TaskLog = { id: "l1", task_id: "t1", log_type: 4, content: "step 1" };
 * ```
 */
export interface TaskLog {
  /** Log id. */
  id?: string | undefined;
  /** The task the log belongs to. */
  "task_id"?: string | undefined;
  /** 0 build, 1 run, 2 serve, 3 setup, 4 task. */
  "log_type"?: number | undefined;
  /** The log text so far. */
  content: string;
  /** When the log began (RFC 3339). */
  "created_at"?: string | undefined;
  /** When the log last grew (RFC 3339). */
  "updated_at"?: string | undefined;
}

/**
 * A status change recorded on a task.
 *
 * @example
 * ```ts
 * import type { TaskEvent } from "@inferencesh/sdk/types";
 * const event: TaskEvent = { status: 7, event_time: "2026-01-01T00:00:00Z" };
 * ```
 */
export interface TaskEvent {
  /** Event id. */
  id?: string | undefined;
  /** The task that changed. */
  "task_id"?: string | undefined;
  /** The status it changed to. */
  status: number;
  /** When it changed (RFC 3339). */
  "event_time"?: string | undefined;
  /** When the event was recorded (RFC 3339). */
  "created_at"?: string | undefined;
}

/**
 * A task as the API returns it (`TaskDTO`). Only the fields most callers use are
 * spelled out; every other field the API sends is kept as is.
 *
 * @typeParam Output The type of `output` once the task completed: what
 * `tasks.run<Input, Output>()`, a registered app ({@linkcode AppTypes}) or an
 * `outputSchema` says. `unknown` unless told.
 * @typeParam Input The type of `input`.
 *
 * @example
 * ```ts
 * import { type Task, TaskStatusCompleted } from "@inferencesh/sdk";
 * function show(task: Task<{ images: string[] }>) {
 *   if (task.status === TaskStatusCompleted) console.log(task.output?.images);
 * }
 * ```
 */
export interface Task<Output = unknown, Input = unknown> {
  /** Task id, e.g. `2f6ntq0v8c9zkx4w1h3m5r7y9b` (26 lowercase base32 characters). */
  id: string;
  /** Status; compare with the `TaskStatus*` constants. */
  status: TaskStatus;
  /** Id of the app that runs. */
  "app_id"?: string | undefined;
  /** Id of the app version that runs. */
  "app_version_id"?: string | undefined;
  /** The app variant. */
  "app_variant"?: string | undefined;
  /** The function of the app that runs. */
  function?: string | undefined;
  /** Where it runs: `cloud` or `private`. */
  infra?: string | undefined;
  /** The setup parameters it was given. */
  setup?: Record<string, unknown> | null | undefined;
  /** The input it was given (file values as URIs). */
  input?: Input | undefined;
  /** The app's result, set once the task completed (`null` or absent before). */
  output?: Output | null | undefined;
  /** Why the task failed, set once it failed. */
  error?: string | null | undefined;
  /** What the app printed. */
  logs?: TaskLog[] | null | undefined;
  /** The status changes so far. */
  events?: TaskEvent[] | null | undefined;
  /** The session the task ran in, when it used one. */
  "session_id"?: string | null | undefined;
  /** Idle timeout of that session, in seconds. */
  "session_timeout"?: number | null | undefined;
  /** When the task was created (RFC 3339). */
  "created_at"?: string | undefined;
  /** When it last changed (RFC 3339). */
  "updated_at"?: string | undefined;
  /** Every other field of the API's TaskDTO. */
  [field: string]: unknown;
}

/**
 * Where a task may run.
 *
 * @example
 * ```ts
 * import type { Infra } from "@inferencesh/sdk/types";
 * const infra: Infra = "cloud";
 * ```
 */
export type Infra = "cloud" | "private" | "private_first";

/**
 * The body of `POST /apps/run`: which app to run, with what input.
 *
 * @typeParam Input The type of `input`: any object type, interfaces included.
 *
 * @example
 * ```ts
 * import type { ApiTaskRequest } from "@inferencesh/sdk";
 * const request: ApiTaskRequest = {
 *   app: "infsh/echo",
 *   input: { prompt: "hello" },
 *   setup: { model: "schnell" },
 * };
 * ```
 */
export interface ApiTaskRequest<Input extends object = Record<string, unknown>> {
  /** App reference: `namespace/name`, optionally `@version`. */
  app: string;
  /** Input for the app: a JSON object. */
  input: Input;
  /** Setup parameters; workers with the same setup are warm. */
  setup?: Record<string, unknown> | undefined;
  /** Where to run: `"cloud"`, `"private"` or `"private_first"`. */
  infra?: Infra | undefined;
  /** App variant. */
  variant?: string | undefined;
  /** Function of a multi-function app (the API's default is `"run"`). */
  function?: string | undefined;
  /** Specific worker ids (private infra). */
  workers?: string[] | undefined;
  /** `"new"` to start a session, or the id of an existing one. */
  session?: string | undefined;
  /** Idle timeout of a new session in seconds, 1..3600; only with `session: "new"`. */
  "session_timeout"?: number | undefined;
  /** URL the API calls when the task ends. */
  webhook?: string | undefined;
  /** Any other field the API accepts is passed through unchanged. */
  [field: string]: unknown;
}

/**
 * A batch of tokens streamed by an LLM-like app (`LLMDelta`).
 *
 * @example
 * ```ts
 * import type { TaskDelta } from "@inferencesh/sdk/types";
 * const delta: TaskDelta = { delta: { response: "Hel" }, seq: 1 };
 * ```
 */
export interface TaskDelta {
  /** The new fragments: `response` and `reasoning` append to what came before. */
  delta: {
    /** The next piece of the reply. */
    response?: string | undefined;
    /** The next piece of the reasoning. */
    reasoning?: string | undefined;
    /** Tool-call fragments, usage, and any other field. */
    [field: string]: unknown;
  };
  /** Increases by one per delta of the same producer. */
  seq?: number | undefined;
  /** Id of the message the delta belongs to (agents); absent for apps. */
  "resource_id"?: string | undefined;
}
