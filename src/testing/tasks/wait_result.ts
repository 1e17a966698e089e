/**
 * The synchronous answer of a run (docs/protocol.md §4.2): with `wait: true`
 * the request is held until the task ends and answered with the slim result
 * `{id, short_id, status, status_text, output, created_at, updated_at}`; a
 * failed or cancelled task is a 422 problem carrying the same result.
 *
 * @module
 */

import { isTerminalStatus, statusName, TaskStatusCompleted } from "../../tasks/status.ts";
import type { Task } from "../../tasks/types.ts";
import { ok, problem } from "../http/responses.ts";
import type { EmulatorState } from "../state.ts";

/** The slim result of `task`, as `POST /run` answers it. */
export function slimResult(task: Task): Record<string, unknown> {
  return {
    id: task.id,
    "short_id": task.short_id,
    status: task.status,
    "status_text": statusName(task.status),
    output: task.output ?? null,
    "created_at": task.created_at,
    "updated_at": task.updated_at,
  };
}

/** The answer for a task that has ended: 200 with the result, or a 422 problem. */
export function endedAnswer(task: Task): Response {
  const result = slimResult(task);
  if (task.status === TaskStatusCompleted) return ok(result);
  const failed = task.status !== 12;
  return problem({
    status: 422,
    code: failed ? "TASK_FAILED" : "TASK_CANCELLED",
    title: failed ? "Task failed" : "Task cancelled",
    detail: failed
      ? `task ${task.id} failed: ${String(task.error || "no error message")}`
      : `task ${task.id} was cancelled`,
    extensions: { "task_id": task.id, error: task.error ?? "", result },
  });
}

/**
 * Resolves with the answer once task `id` ends; with a 404 problem if it is
 * deleted first. Stops listening when `signal` (the request's) aborts.
 */
export function waitForEnd(
  state: EmulatorState,
  id: string,
  signal: AbortSignal,
): Promise<Response> {
  const record = state.tasks.get(id);
  if (!record) return Promise.resolve(gone(id));
  if (isTerminalStatus(record.task.status)) return Promise.resolve(endedAnswer(record.task));
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      stop();
      reject(signal.reason);
    };
    const unsubscribe = state.tasks.subscribe(id, (change) => {
      if (change.type === "removed") {
        stop();
        resolve(gone(id));
      } else if (change.type === "update" && isTerminalStatus(change.task.status)) {
        stop();
        resolve(endedAnswer(structuredClone(change.task)));
      }
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function gone(id: string): Response {
  return problem({
    status: 404,
    code: "TASK_NOT_FOUND",
    title: "Task not found",
    detail: `task ${id} is gone (deleted, or the emulator closed) before it ended`,
  });
}
