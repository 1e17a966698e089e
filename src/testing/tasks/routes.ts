/**
 * Task endpoints other than creation (docs/protocol.md §4.5): get, status, cancel,
 * delete.
 *
 * @module
 */

import { isTerminalStatus } from "../../tasks/status.ts";
import { noContent, ok, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import type { TaskRecord } from "./task_store.ts";
import { cancelTask } from "./task_runner.ts";
import { streamTask } from "./task_stream.ts";

/** The task named by the `:id` parameter, or a 404 `TASK_NOT_FOUND` problem. */
export function findTask(context: RouteContext): TaskRecord | Response {
  const id = context.params["id"] ?? "";
  return context.state.tasks.get(id) ?? problem({
    status: 404,
    code: "TASK_NOT_FOUND",
    title: "Task not found",
    detail: `task ${id} does not exist`,
  });
}

function get(context: RouteContext): Response {
  const record = findTask(context);
  return record instanceof Response ? record : ok(record.task);
}

function getStatus(context: RouteContext): Response {
  const record = findTask(context);
  if (record instanceof Response) return record;
  const { task } = record;
  return ok({ id: task.id, status: task.status, "updated_at": task.updated_at });
}

function cancel(context: RouteContext): Response {
  const record = findTask(context);
  if (record instanceof Response) return record;
  // Cancelling a finished task is not an error; it just changes nothing.
  if (!isTerminalStatus(record.task.status)) cancelTask(context.state, record);
  return ok(record.task);
}

function remove(context: RouteContext): Response {
  const record = findTask(context);
  if (record instanceof Response) return record;
  context.state.tasks.remove(record.task.id);
  return noContent();
}

/** `GET /tasks/{id}`, `GET /tasks/{id}/status`, `GET /tasks/{id}/stream`, `POST /tasks/{id}/cancel`, `DELETE /tasks/{id}`. */
export const taskRoutes: readonly Route[] = [
  { method: "GET", path: "/tasks/:id", handle: get },
  { method: "DELETE", path: "/tasks/:id", handle: remove },
  { method: "GET", path: "/tasks/:id/status", handle: getStatus },
  { method: "POST", path: "/tasks/:id/cancel", handle: cancel },
  {
    method: "GET",
    path: "/tasks/:id/stream",
    handle: (context) => {
      const record = findTask(context);
      return record instanceof Response ? record : streamTask(context, record);
    },
  },
];
