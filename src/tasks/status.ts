/**
 * Task status values as the API sends them (integers), and helpers to read them.
 *
 * @module
 */

/**
 * Status not known (also what unrecognised values parse to).
 *
 * @example
 * ```ts
 * import { TaskStatusUnknown } from "@inferencesh/sdk";
 * console.log(TaskStatusUnknown); // 0
 * ```
 */
export const TaskStatusUnknown = 0;
/**
 * The API accepted the task.
 *
 * @example
 * ```ts
 * import { TaskStatusReceived } from "@inferencesh/sdk";
 * console.log(TaskStatusReceived); // 1
 * ```
 */
export const TaskStatusReceived = 1;
/**
 * The task waits for a worker.
 *
 * @example
 * ```ts
 * import { TaskStatusQueued } from "@inferencesh/sdk";
 * console.log(TaskStatusQueued); // 2
 * ```
 */
export const TaskStatusQueued = 2;
/**
 * A worker was chosen.
 *
 * @example
 * ```ts
 * import { TaskStatusDispatched } from "@inferencesh/sdk";
 * console.log(TaskStatusDispatched); // 3
 * ```
 */
export const TaskStatusDispatched = 3;
/**
 * The worker prepares the app.
 *
 * @example
 * ```ts
 * import { TaskStatusPreparing } from "@inferencesh/sdk";
 * console.log(TaskStatusPreparing); // 4
 * ```
 */
export const TaskStatusPreparing = 4;
/**
 * The app is being served.
 *
 * @example
 * ```ts
 * import { TaskStatusServing } from "@inferencesh/sdk";
 * console.log(TaskStatusServing); // 5
 * ```
 */
export const TaskStatusServing = 5;
/**
 * The app runs its setup.
 *
 * @example
 * ```ts
 * import { TaskStatusSettingUp } from "@inferencesh/sdk";
 * console.log(TaskStatusSettingUp); // 6
 * ```
 */
export const TaskStatusSettingUp = 6;
/**
 * The app runs.
 *
 * @example
 * ```ts
 * import { TaskStatusRunning } from "@inferencesh/sdk";
 * console.log(TaskStatusRunning); // 7
 * ```
 */
export const TaskStatusRunning = 7;
/**
 * A cancel was requested.
 *
 * @example
 * ```ts
 * import { TaskStatusCancelling } from "@inferencesh/sdk";
 * console.log(TaskStatusCancelling); // 8
 * ```
 */
export const TaskStatusCancelling = 8;
/**
 * The worker uploads outputs.
 *
 * @example
 * ```ts
 * import { TaskStatusUploading } from "@inferencesh/sdk";
 * console.log(TaskStatusUploading); // 9
 * ```
 */
export const TaskStatusUploading = 9;
/**
 * Terminal: the task succeeded and `output` is set.
 *
 * @example
 * ```ts
 * import { TaskStatusCompleted } from "@inferencesh/sdk";
 * console.log(TaskStatusCompleted); // 10
 * ```
 */
export const TaskStatusCompleted = 10;
/**
 * Terminal: the task failed and `error` says why.
 *
 * @example
 * ```ts
 * import { TaskStatusFailed } from "@inferencesh/sdk";
 * console.log(TaskStatusFailed); // 11
 * ```
 */
export const TaskStatusFailed = 11;
/**
 * Terminal: the task was cancelled.
 *
 * @example
 * ```ts
 * import { TaskStatusCancelled } from "@inferencesh/sdk";
 * console.log(TaskStatusCancelled); // 12
 * ```
 */
export const TaskStatusCancelled = 12;

/**
 * One of the 13 task status values.
 *
 * @example
 * ```ts
 * import { type TaskStatus, TaskStatusRunning } from "@inferencesh/sdk";
 * const status: TaskStatus = TaskStatusRunning;
 * ```
 */
export type TaskStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

const NAMES: readonly string[] = [
  "unknown",
  "received",
  "queued",
  "dispatched",
  "preparing",
  "serving",
  "setting_up",
  "running",
  "cancelling",
  "uploading",
  "completed",
  "failed",
  "cancelled",
];

/**
 * Reads a status as the API may send it: an integer, or its name as a string.
 *
 * Numbers pass through unchanged; names are matched case-insensitively; anything
 * else (including `null` and unknown names) is {@linkcode TaskStatusUnknown}.
 *
 * @example
 * ```ts
 * import { parseStatus, TaskStatusCompleted } from "@inferencesh/sdk";
 * parseStatus("COMPLETED") === TaskStatusCompleted; // true
 * ```
 */
export function parseStatus(value: unknown): TaskStatus {
  // A number is kept even when newer than this SDK: the union names the known ones.
  if (typeof value === "number") return value as TaskStatus;
  if (typeof value !== "string") return TaskStatusUnknown;
  const index = NAMES.indexOf(value.toLowerCase());
  return index === -1 ? TaskStatusUnknown : index as TaskStatus;
}

/**
 * The name of a status, e.g. `"running"` for 7, or `"unknown"`.
 *
 * @example
 * ```ts
 * import { statusName } from "@inferencesh/sdk";
 * statusName(10); // "completed"
 * ```
 */
export function statusName(value: unknown): string {
  return NAMES[parseStatus(value)] ?? "unknown";
}

/**
 * Whether a status is final: completed, failed or cancelled.
 *
 * @example
 * ```ts
 * import { isTerminalStatus } from "@inferencesh/sdk";
 * isTerminalStatus("failed"); // true
 * isTerminalStatus(7); // false
 * ```
 */
export function isTerminalStatus(value: unknown): boolean {
  const status = parseStatus(value);
  return status === TaskStatusCompleted || status === TaskStatusFailed ||
    status === TaskStatusCancelled;
}
