/**
 * How task updates are framed on a stream (docs/protocol.md §4.3): `{data, fields}`
 * partial wrappers, bare TaskDTOs, or `{data}` wrappers of the full task.
 *
 * @module
 */

import type { Task } from "../../tasks/types.ts";

/** Framing of task updates on streams. */
export type TaskFraming = "partial" | "bare" | "wrapped";

/** The line sent on connect: the full current state. */
export function initialLine(task: Task, framing: TaskFraming): unknown {
  if (framing === "bare") return task;
  if (framing === "wrapped") return { data: task };
  return { data: task, fields: Object.keys(task) };
}

/** The line sent for a change of `fields`. */
export function updateLine(task: Task, fields: readonly string[], framing: TaskFraming): unknown {
  if (framing === "bare") return task;
  if (framing === "wrapped") return { data: task };
  // Always carry id and status so a client can route and check for terminal
  // states, and a session task's session_id, like the live API: a client that
  // keeps only the last line still learns the session (docs/protocol.md §4.3).
  const data: Record<string, unknown> = {
    id: task.id,
    status: task.status,
    "updated_at": task.updated_at,
  };
  if (typeof task["session_id"] === "string") data["session_id"] = task["session_id"];
  for (const field of fields) data[field] = task[field];
  return { data, fields };
}
