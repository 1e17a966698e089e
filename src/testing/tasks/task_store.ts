/**
 * The emulator's tasks: current state, status events, logs, deltas, and the
 * subscribers (open streams) every change is published to.
 *
 * @module
 */

import { isTerminalStatus } from "../../tasks/status.ts";
import type { Task, TaskEvent, TaskLog } from "../../tasks/types.ts";
import type { Ids } from "../ids.ts";

/** A change published to a task's subscribers. */
export type TaskChange =
  | { type: "update"; task: Task; fields: string[] }
  | { type: "delta"; delta: Record<string, unknown>; seq: number }
  | { type: "removed" };

/** One stored task and what drives it. */
export interface TaskRecord {
  task: Task;
  /** Aborted when the task is cancelled or forgotten; stops the app's work. */
  readonly controller: AbortController;
  /** Last delta `seq` sent (deltas count from 1 per task). */
  seq: number;
  /** Every delta sent, in order (for the `replayDeltas` fault). */
  readonly deltas: { delta: Record<string, unknown>; seq: number }[];
  readonly subscribers: Set<(change: TaskChange) => void>;
}

/** The task table of one emulator. */
export class TaskStore {
  readonly #records = new Map<string, TaskRecord>();
  readonly #now: () => string;
  readonly #ids: Ids;
  /** Called once per task, after the update that ended it was published (webhooks). */
  onEnd: ((task: Task) => void) | undefined;

  /**
   * @param now The current time as RFC 3339.
   * @param ids The emulator's id counters (for event and log ids).
   */
  constructor(now: () => string, ids: Ids) {
    this.#now = now;
    this.#ids = ids;
  }

  /** Stores a new task. */
  add(task: Task): TaskRecord {
    const record: TaskRecord = {
      task,
      controller: new AbortController(),
      seq: 0,
      deltas: [],
      subscribers: new Set(),
    };
    this.#records.set(task.id, record);
    return record;
  }

  /** The record of task `id`, if it exists. */
  get(id: string): TaskRecord | undefined {
    return this.#records.get(id);
  }

  /** Sets fields, bumps `updated_at` and publishes the change. */
  update(id: string, patch: Record<string, unknown>): void {
    const record = this.#records.get(id);
    if (!record) return;
    const fields = [...Object.keys(patch).filter((key) => key !== "updated_at"), "updated_at"];
    const ended = !isTerminalStatus(record.task.status);
    Object.assign(record.task, patch, { updated_at: this.#now() });
    this.#publish(record, { type: "update", task: record.task, fields });
    if (ended && isTerminalStatus(record.task.status)) this.onEnd?.(structuredClone(record.task));
  }

  /** Moves the task to `status`, recording a {@linkcode TaskEvent}, with extra fields. */
  setStatus(id: string, status: number, extra: Record<string, unknown> = {}): void {
    const record = this.#records.get(id);
    if (!record) return;
    const now = this.#now();
    const event: TaskEvent = {
      id: this.#ids.next("tevt"),
      "created_at": now,
      "event_time": now,
      "task_id": id,
      status,
    };
    const events = [...(record.task.events ?? []), event];
    this.update(id, { status, ...extra, events });
  }

  /** Appends a line to the task's log stream (log_type 4, "task"). */
  log(id: string, line: string): void {
    const record = this.#records.get(id);
    if (!record) return;
    const now = this.#now();
    const logs: TaskLog[] = [...(record.task.logs ?? [])];
    const index = logs.findIndex((log) => log.log_type === 4);
    const current = logs[index];
    if (current) {
      logs[index] = { ...current, content: `${current.content}${line}\n`, "updated_at": now };
    } else {
      logs.push({
        id: this.#ids.next("tlog"),
        "created_at": now,
        "updated_at": now,
        "task_id": id,
        "log_type": 4,
        content: `${line}\n`,
      });
    }
    this.update(id, { logs });
  }

  /** Publishes a delta with the task's next `seq`. */
  delta(id: string, delta: Record<string, unknown>): void {
    const record = this.#records.get(id);
    if (!record) return;
    record.seq += 1;
    record.deltas.push({ delta, seq: record.seq });
    this.#publish(record, { type: "delta", delta, seq: record.seq });
  }

  /** Calls `listener` for every change of task `id`; returns the unsubscribe function. */
  subscribe(id: string, listener: (change: TaskChange) => void): () => void {
    const record = this.#records.get(id);
    if (!record) return () => {};
    record.subscribers.add(listener);
    return () => record.subscribers.delete(listener);
  }

  /** Stops and forgets task `id`; its subscribers get a `removed` change. */
  /** Every task, oldest first (for `POST /tasks/list`). */
  all(): TaskRecord[] {
    return [...this.#records.values()];
  }

  remove(id: string): boolean {
    const record = this.#records.get(id);
    if (!record) return false;
    record.controller.abort(new DOMException("task deleted", "AbortError"));
    this.#records.delete(id);
    this.#publish(record, { type: "removed" });
    record.subscribers.clear();
    return true;
  }

  /** Stops every task's work but keeps its state (for `close()`). */
  abortAll(): void {
    for (const record of this.#records.values()) {
      record.controller.abort(new DOMException("emulator closed", "AbortError"));
      // Nothing more will happen: whoever waits for the task stops waiting.
      this.#publish(record, { type: "removed" });
      record.subscribers.clear();
    }
  }

  /** Stops and forgets every task. */
  clear(): void {
    for (const id of [...this.#records.keys()]) this.remove(id);
  }

  /** Number of subscribers across all tasks (for tests). */
  get subscriberCount(): number {
    let count = 0;
    for (const record of this.#records.values()) count += record.subscribers.size;
    return count;
  }

  #publish(record: TaskRecord, change: TaskChange): void {
    // Copy: a listener may unsubscribe (terminal update) while we iterate.
    for (const listener of [...record.subscribers]) listener(change);
  }
}
