/**
 * `GET /tasks/{id}/stream` (docs/protocol.md §4.3): the current state on connect, then
 * one line per change and per delta, heartbeats, and the end of the body after
 * the terminal update.
 *
 * @module
 */

import { isTerminalStatus } from "../../tasks/status.ts";
import type { RouteContext } from "../http/router.ts";
import { openStream } from "../streams/open_stream.ts";
import { initialLine, updateLine } from "./task_framing.ts";
import type { TaskChange, TaskRecord } from "./task_store.ts";

/** Streams task `record` to the client. */
export function streamTask(context: RouteContext, record: TaskRecord): Response {
  const { state } = context;
  const framing = state.framing;
  let unsubscribe = (): void => {};
  const { stream, response, faults } = openStream(state, context.request, () => unsubscribe());
  stream.send(initialLine(record.task, framing));
  if (faults.replay) {
    for (const { delta, seq } of record.deltas) stream.sendEvent("delta", { delta, seq });
  }
  // A stalled stream stays open until the client leaves, even past the end.
  if (isTerminalStatus(record.task.status)) {
    if (stream.active) stream.end();
    return response;
  }
  if (!stream.active) return response;
  unsubscribe = state.tasks.subscribe(record.task.id, (change: TaskChange) => {
    if (change.type === "removed") {
      if (stream.active) stream.end();
    } else if (change.type === "delta") {
      stream.sendEvent("delta", { delta: change.delta, seq: change.seq });
    } else {
      stream.send(updateLine(change.task, change.fields, framing));
      if (isTerminalStatus(change.task.status) && stream.active) stream.end();
    }
  });
  return response;
}
