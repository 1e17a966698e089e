/**
 * Reads the lines of a task stream (protocol §3.4): heartbeats, partial updates
 * `{data, fields}`, wrapped `{data}` and bare task updates, and token deltas.
 *
 * @module
 */

import { parseStatus } from "./status.ts";
import type { Task, TaskDelta } from "./types.ts";

/** One line of a task stream, classified. */
export type TaskStreamLine =
  | { kind: "heartbeat" }
  | { kind: "delta"; delta: TaskDelta }
  | { kind: "update"; data: Partial<Task>; fields: string[] | undefined }
  | { kind: "other" };

/** Classifies a parsed stream line. */
export function classifyLine(line: unknown): TaskStreamLine {
  if (typeof line !== "object" || line === null || Array.isArray(line)) return { kind: "other" };
  const record = line as Record<string, unknown>;
  if (record.type === "heartbeat") return { kind: "heartbeat" };
  if (typeof record.event === "string") {
    if (record.event === "delta" && isObject(record.data) && isObject(record.data.delta)) {
      return { kind: "delta", delta: record.data as unknown as TaskDelta };
    }
    return { kind: "other" };
  }
  if (isObject(record.data)) {
    const fields = Array.isArray(record.fields)
      ? record.fields.filter((f): f is string => typeof f === "string")
      : undefined;
    return { kind: "update", data: record.data as Partial<Task>, fields };
  }
  if ("id" in record || "status" in record) {
    return { kind: "update", data: record as Partial<Task>, fields: undefined };
  }
  return { kind: "other" };
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
