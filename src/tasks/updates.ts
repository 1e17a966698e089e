/**
 * Merging task updates (docs/protocol.md §4.3: partial `{data, fields}`, wrapped
 * `{data}` and bare task updates) into a snapshot, and telling when one
 * changes nothing.
 *
 * @module
 */

import { parseStatus } from "./status.ts";
import type { Task } from "./types.ts";

/**
 * Shallow-merges an update into a snapshot (a new object; the old one is left
 * alone, so snapshots handed to callbacks never change under them). The status is
 * normalised to its integer, whichever form the server used.
 */
export function mergeTask(snapshot: Task, data: Partial<Task>): Task {
  const merged = { ...snapshot, ...data } as Task;
  merged.status = parseStatus(merged.status);
  return merged;
}

/** Whether merging `data` would change nothing visible in `snapshot`. */
export function changesNothing(snapshot: Task, data: Partial<Task>): boolean {
  for (const key of Object.keys(data)) {
    const before = snapshot[key];
    const after = key === "status" ? parseStatus(data[key]) : data[key];
    if (before === after) continue;
    if (typeof before !== "object" || typeof after !== "object") return false;
    if (JSON.stringify(before) !== JSON.stringify(after)) return false;
  }
  return true;
}
