/**
 * Wire types of tasks, with the API's own field names.
 *
 * @module
 */

/**
 * One log stream of a task.
 *
 * @example
 * ```ts
 * import type { TaskLog } from "@inferencesh/sdk";
 * const log: TaskLog = { id: "l1", task_id: "t1", log_type: 4, content: "step 1" };
 * ```
 */
export interface TaskLog {
  id?: string | undefined;
  "task_id"?: string | undefined;
  /** 0 build, 1 run, 2 serve, 3 setup, 4 task. */
  "log_type"?: number | undefined;
  content: string;
  "created_at"?: string | undefined;
  "updated_at"?: string | undefined;
}

/**
 * A status change recorded on a task.
 *
 * @example
 * ```ts
 * import type { TaskEvent } from "@inferencesh/sdk";
 * const event: TaskEvent = { status: 7, event_time: "2026-01-01T00:00:00Z" };
 * ```
 */
export interface TaskEvent {
  id?: string | undefined;
  "task_id"?: string | undefined;
  status: number;
  "event_time"?: string | undefined;
  "created_at"?: string | undefined;
}

/**
 * A task as the API returns it (`TaskDTO`). Only the fields most callers use are
 * spelled out; every other field the API sends is kept as is.
 *
 * @example
 * ```ts
 * import { type Task, TaskStatusCompleted } from "@inferencesh/sdk";
 * function show(task: Task) {
 *   if (task.status === TaskStatusCompleted) console.log(task.output);
 * }
 * ```
 */
export interface Task {
  id: string;
  /** Integer status; see the `TaskStatus*` constants. */
  status: number;
  "app_id"?: string | undefined;
  "app_version_id"?: string | undefined;
  "app_variant"?: string | undefined;
  function?: string | undefined;
  infra?: string | undefined;
  setup?: Record<string, unknown> | null | undefined;
  input?: unknown;
  /** The app's result, set once the task completed. */
  output?: unknown;
  /** Why the task failed, set once it failed. */
  error?: string | null | undefined;
  logs?: TaskLog[] | null | undefined;
  events?: TaskEvent[] | null | undefined;
  "session_id"?: string | null | undefined;
  "session_timeout"?: number | null | undefined;
  "created_at"?: string | undefined;
  "updated_at"?: string | undefined;
  [field: string]: unknown;
}

/**
 * Where a task may run.
 *
 * @example
 * ```ts
 * import type { Infra } from "@inferencesh/sdk";
 * const infra: Infra = "cloud";
 * ```
 */
export type Infra = "cloud" | "private" | "private_first";

/**
 * The body of `POST /apps/run`: which app to run, with what input.
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
export interface ApiTaskRequest {
  /** App reference: `namespace/name`, optionally `@version`. */
  app: string;
  /** Input for the app: a JSON object. */
  input: Record<string, unknown>;
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
 * import type { TaskDelta } from "@inferencesh/sdk";
 * const delta: TaskDelta = { delta: { response: "Hel" }, seq: 1 };
 * ```
 */
export interface TaskDelta {
  /** The new fragments: `response` and `reasoning` append to what came before. */
  delta: {
    response?: string | undefined;
    reasoning?: string | undefined;
    [field: string]: unknown;
  };
  /** Increases by one per delta of the same producer. */
  seq?: number | undefined;
  /** Id of the message the delta belongs to (agents); absent for apps. */
  "resource_id"?: string | undefined;
}
