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

/**
 * Whether merging `data` would change nothing visible in `snapshot`: each field
 * is the same value, or has the same JSON text. Compared in place (no
 * `JSON.stringify` per update, which grew with a task's `logs`): a walk that
 * stops at the first difference, exact for JSON data; a value JSON does not
 * write as itself (`undefined`, a `Date`, `NaN`…) is compared by its JSON text.
 */
export function changesNothing(snapshot: Task, data: Partial<Task>): boolean {
  // for…in over a parsed update: its own keys, without a keys array per update.
  for (const key in data) {
    const before = snapshot[key];
    const after = key === "status" ? parseStatus(data[key]) : data[key];
    if (before === after) continue;
    if (typeof before !== "object" || typeof after !== "object") return false;
    const same = sameJson(before, after);
    if (same === DIFFERENT) return false;
    if (same === UNSURE && JSON.stringify(before) !== JSON.stringify(after)) return false;
  }
  return true;
}

const DIFFERENT = 0;
const SAME = 1;
/** A value JSON writes otherwise than as itself: only its JSON text can tell. */
const UNSURE = 2;
type Sameness = typeof DIFFERENT | typeof SAME | typeof UNSURE;

/** Whether two values have the same JSON text, walking them side by side. */
function sameJson(a: unknown, b: unknown): Sameness {
  if (a === b) return plain(a) ? SAME : UNSURE;
  if (!plain(a) || !plain(b)) return UNSURE;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return DIFFERENT;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return DIFFERENT;
    if (a.length !== b.length) return DIFFERENT;
    let result: Sameness = SAME;
    for (let i = 0; i < a.length; i++) {
      const same = sameJson(a[i], b[i]);
      if (same === DIFFERENT) return DIFFERENT;
      if (same === UNSURE) result = UNSURE;
    }
    return result;
  }
  if (Array.isArray(b)) return DIFFERENT;
  const objectA = a as Record<string, unknown>;
  const objectB = b as Record<string, unknown>;
  if ("toJSON" in objectA || "toJSON" in objectB) return UNSURE;
  // Same keys in the same order (JSON text is ordered), then the same values.
  const keysA = Object.keys(objectA);
  const keysB = Object.keys(objectB);
  if (keysA.length !== keysB.length) return skipped(objectA, objectB);
  let result: Sameness = SAME;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i]) return skipped(objectA, objectB);
    const same = sameJson(objectA[key], objectB[key]);
    if (same === DIFFERENT) return DIFFERENT;
    if (same === UNSURE) result = UNSURE;
  }
  return result;
}

/**
 * Objects whose keys differ: different, unless a key JSON leaves out (its value
 * `undefined`, a function, a symbol) explains it.
 */
function skipped(a: Record<string, unknown>, b: Record<string, unknown>): Sameness {
  for (const object of [a, b]) {
    for (const key of Object.keys(object)) {
      const type = typeof object[key];
      if (type === "undefined" || type === "function" || type === "symbol") return UNSURE;
    }
  }
  return DIFFERENT;
}

/** A value JSON writes as itself: a string, boolean, finite number, null, plain object or array. */
function plain(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null || Array.isArray(value)) return true;
      const proto = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null;
    }
    default:
      return false;
  }
}
