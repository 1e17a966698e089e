/**
 * A lean client with only `client.tasks`, for bundles where every kilobyte
 * counts (a Worker, an edge function, a browser app behind a proxy). It is the
 * full client's `tasks` (same options, streaming, reconnection and errors)
 * without the files, sessions and agents code, so an app that runs tasks
 * bundles to a fraction of the whole SDK. The one difference: it does not
 * upload files found in `input` (it rejects them with a `TypeError` instead);
 * upload them first, or use the client from `@inferencesh/sdk`.
 *
 * ```ts
 * import { inference, TaskStatusCompleted } from "@inferencesh/sdk/tasks";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const task = await client.tasks.run({ app: "infsh/echo", input: { prompt: "hi" } });
 * if (task.status === TaskStatusCompleted) console.log(task.output);
 * emulator.close();
 * ```
 *
 * @module
 */

import { type ClientOptions, resolveConfig } from "../http/config.ts";
import { HttpClient } from "../http/core.ts";
import { Tasks } from "./tasks.ts";

/**
 * A client with only the tasks resource. Create it with this module's
 * {@linkcode inference}.
 *
 * @example
 * ```ts
 * import { inference, type TasksClient } from "@inferencesh/sdk/tasks";
 * const client: TasksClient = inference({ apiKey: "inf_..." });
 * ```
 */
export class TasksClient {
  /** Run apps, follow, read and cancel tasks. */
  readonly tasks: Tasks;

  /** Checks `options` and creates the client; prefer {@linkcode inference}. */
  constructor(options: ClientOptions) {
    this.tasks = new Tasks(new HttpClient(resolveConfig(options)));
  }
}

/**
 * Creates a lean client with only `tasks`; same options as the full client's
 * `inference()`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk/tasks";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * console.log((await client.tasks.run({ app: "infsh/echo", input: { a: 1 } })).output);
 * emulator.close();
 * ```
 */
export function inference(options: ClientOptions): TasksClient {
  return new TasksClient(options);
}

export type { ClientClock } from "../http/clock.ts";
export type { ClientOptions, FetchLike } from "../http/config.ts";
export type { RequestOptions } from "../http/core.ts";
export type {
  FollowOptions,
  HandleFollowOptions,
  RunOptions,
  Tasks,
  WaitOptions,
} from "./tasks.ts";
export { type TaskHandle, taskHandle } from "./handle.ts";
export {
  parseTaskWebhook,
  type ParseTaskWebhookOptions,
  type TaskReader,
  WebhookError,
  type WebhookErrorReason,
} from "../webhooks/mod.ts";
export type { ResilienceOptions } from "../streaming/options.ts";
export { InconsistentStateError, LineTooLongError } from "../streaming/errors.ts";
export type { ApiTaskRequest, Infra, Task, TaskDelta, TaskEvent, TaskLog } from "./types.ts";
export type { CursorList, ListPage, ListParams } from "../lists/cursor_list.ts";
export type {
  AppEntry,
  AppFunctionName,
  AppInput,
  AppOutput,
  AppSignature,
  AppTaskRequest,
  AppTypes,
  RegisteredApp,
} from "../apps/types.ts";
export type { AccumulatedDelta, ToolCallDelta } from "./delta.ts";
export {
  isTerminalStatus,
  parseStatus,
  statusName,
  type TaskStatus,
  TaskStatusCancelled,
  TaskStatusCancelling,
  TaskStatusCompleted,
  TaskStatusDispatched,
  TaskStatusFailed,
  TaskStatusPreparing,
  TaskStatusQueued,
  TaskStatusReceived,
  TaskStatusRunning,
  TaskStatusServing,
  TaskStatusSettingUp,
  TaskStatusUnknown,
  TaskStatusUploading,
} from "./status.ts";
export {
  APIConnectionError,
  ApiConnectionError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GoneError,
  InferenceError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequirementsNotMetError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
} from "../errors.ts";
