/**
 * Drives a task through its life-cycle: 1 received → 2 queued → 3 dispatched →
 * 4 preparing → 7 running → 10 completed (or 11 failed), `stepMs` apart, with
 * the app doing its work while running; and cancels it (8 → 12).
 *
 * @module
 */

import {
  TaskStatusCancelled,
  TaskStatusCancelling,
  TaskStatusCompleted,
  TaskStatusDispatched,
  TaskStatusFailed,
  TaskStatusPreparing,
  TaskStatusQueued,
  TaskStatusRunning,
} from "../../tasks/status.ts";
import type { AppContext, AppWorker, EmulatedApp } from "../apps/app.ts";
import type { EmulatorState } from "../state.ts";
import type { TaskRecord } from "./task_store.ts";

const BEFORE_RUNNING = [
  TaskStatusQueued,
  TaskStatusDispatched,
  TaskStatusPreparing,
  TaskStatusRunning,
];

/** Starts driving `record` in the background. */
export function startTask(
  state: EmulatorState,
  record: TaskRecord,
  app: EmulatedApp,
  origin: string,
  worker: AppWorker,
): void {
  void drive(state, record, app, origin, worker);
}

async function drive(
  state: EmulatorState,
  record: TaskRecord,
  app: EmulatedApp,
  origin: string,
  worker: AppWorker,
): Promise<void> {
  const id = record.task.id;
  const { signal } = record.controller;
  const context: AppContext = {
    taskId: id,
    signal,
    origin,
    step: () => state.timers.sleep(state.stepMs, signal),
    sleep: (ms) => state.timers.sleep(ms, signal),
    log: (line) => {
      if (!signal.aborted) state.tasks.log(id, line);
    },
    delta: (delta) => {
      if (!signal.aborted) state.tasks.delta(id, delta);
    },
    storeFile: (name, contentType, bytes) =>
      state.files.url(origin, state.files.put(name, contentType, bytes)),
    readFile: worker.readFile,
    memory: worker.memory,
  };
  try {
    for (const status of BEFORE_RUNNING) {
      await context.step();
      state.tasks.setStatus(id, status);
    }
    context.log(`running ${app.name} (function ${String(record.task.function)})`);
    const output = await app.run(record.task.input, context);
    await context.step();
    signal.throwIfAborted();
    state.tasks.setStatus(id, TaskStatusCompleted, { output });
  } catch (error) {
    // Cancelled, deleted, reset or closed: whoever aborted already set the state.
    if (signal.aborted) return;
    const message = error instanceof Error ? error.message : String(error);
    state.tasks.setStatus(id, TaskStatusFailed, { error: message || "task failed" });
  }
}

/** Cancels a non-terminal task: stops the app, then publishes 8 and 12. */
export function cancelTask(state: EmulatorState, record: TaskRecord): void {
  record.controller.abort(new DOMException("task cancelled", "AbortError"));
  state.tasks.setStatus(record.task.id, TaskStatusCancelling);
  state.tasks.setStatus(record.task.id, TaskStatusCancelled);
}
