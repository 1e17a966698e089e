/**
 * Following a task: the task's adapter for the follow engine
 * (`src/streaming/engine.ts`), which owns reconnects, re-reads, polling and
 * aborts. The adapter merges updates into the snapshot, reports each change
 * once, de-duplicates deltas per producer (`resource_id`), and says when the
 * task is over.
 *
 * Following can start from any point: a snapshot of the task and the last
 * delta `seq` seen per producer (a {@linkcode TaskFollowStart}), which is what a
 * saved handle needs to resume in another process without repeating a delta or
 * the terminal update.
 *
 * @module
 */

import { InferenceError, withContext } from "../errors.ts";
import { type HttpClient, isObject, segment } from "../http/core.ts";
import {
  FINAL,
  follow,
  type FollowAdapter,
  NOTHING,
  type Outcome,
  PROGRESS,
} from "../streaming/engine.ts";
import { InconsistentStateError } from "../streaming/errors.ts";
import type { FollowSettings } from "../streaming/options.ts";
import { isTerminalStatus, parseStatus } from "./status.ts";
import type { Task, TaskDelta } from "./types.ts";
import { changesNothing, mergeTask } from "./updates.ts";

/** Where following starts: what is known of the task, and the deltas already seen. */
export interface TaskFollowStart {
  /**
   * The task as last seen (at least its `id`). When its status is terminal,
   * following reports it once and ends without a request.
   */
  task: Task;
  /**
   * The highest delta `seq` already seen, per producer: the delta's
   * `resource_id`, or `""` for deltas without one. Deltas at or below are not
   * reported again (a reconnected stream replays them).
   */
  cursors?: Readonly<Record<string, number>> | undefined;
}

/** Where the follower reports. */
export interface TaskSink {
  /** A changed snapshot (a new object each time); may return a promise to hold the follower. */
  update(task: Task, fields: string[] | undefined): void | Promise<void>;
  /** A delta not seen before. */
  delta(delta: TaskDelta): void;
}

/** The producer a delta belongs to: its `resource_id`, or `""` when it names none. */
export function producerOf(delta: { "resource_id"?: unknown }): string {
  const id = delta["resource_id"];
  return typeof id === "string" ? id : "";
}

/** How many full reads may contradict a terminal `/status` before polling gives up. */
export const MAX_INCONSISTENT_READS = 3;

/**
 * Follows the task from `start` until it ends; resolves with the final snapshot.
 * Rejects with the signal's reason at once on abort.
 */
export async function followTask(
  http: HttpClient,
  start: TaskFollowStart,
  settings: FollowSettings,
  sink: TaskSink,
  sessionId?: string | undefined,
): Promise<Task> {
  const adapter = new TaskAdapter(http, start, settings, sink, sessionId);
  if (adapter.isFinal()) {
    await sink.update(adapter.snapshot, undefined);
    return adapter.snapshot;
  }
  try {
    await follow(adapter, settings);
  } catch (error) {
    // What the stream's body caused passes the client's redaction too, and
    // carries the session's id.
    throw withContext(http.redact(error), { sessionId });
  }
  return adapter.snapshot;
}

class TaskAdapter implements FollowAdapter {
  readonly action: string;
  snapshot: Task;
  readonly #http: HttpClient;
  readonly #id: string;
  readonly #settings: FollowSettings;
  readonly #sink: TaskSink;
  readonly #sessionId: string | undefined;
  readonly #cursors = new Map<string, number>();
  /** Full reads in a row that contradicted a terminal `/status`. */
  #contradictions = 0;

  constructor(
    http: HttpClient,
    start: TaskFollowStart,
    settings: FollowSettings,
    sink: TaskSink,
    sessionId: string | undefined,
  ) {
    this.#http = http;
    this.#id = start.task.id;
    segment(this.#id);
    this.action = `follow task "${this.#id}"`;
    this.snapshot = start.task;
    this.#settings = settings;
    this.#sink = sink;
    this.#sessionId = sessionId;
    for (const [producer, seq] of Object.entries(start.cursors ?? {})) {
      if (typeof seq === "number") this.#cursors.set(producer, seq);
    }
  }

  isFinal(): boolean {
    return isTerminalStatus(this.snapshot.status);
  }

  connect(signal: AbortSignal): Promise<Response> {
    return this.#http.stream({
      path: `/tasks/${segment(this.#id)}/stream`,
      action: this.action,
      accept: "application/x-ndjson",
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
      context: { sessionId: this.#sessionId },
    });
  }

  handle(value: unknown): Outcome | Promise<Outcome> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return NOTHING;
    const record = value as Record<string, unknown>;
    if (record.type === "heartbeat") return NOTHING;
    if (typeof record.event === "string") {
      const data = record.data;
      if (record.event !== "delta" || !isObject(data) || !isObject(data.delta)) return NOTHING;
      const delta = data as unknown as TaskDelta;
      const seq = delta.seq;
      if (typeof seq === "number") {
        const producer = producerOf(delta);
        const last = this.#cursors.get(producer);
        if (last !== undefined && seq <= last) return NOTHING;
        this.#cursors.set(producer, seq);
      }
      this.#sink.delta(delta);
      return PROGRESS;
    }
    let data: Partial<Task>;
    let fields: string[] | undefined;
    if (isObject(record.data)) {
      data = record.data as Partial<Task>;
      fields = stringsOf(record.fields);
    } else if ("id" in record || "status" in record) {
      data = record as Partial<Task>;
    } else {
      return NOTHING;
    }
    return this.#apply(data, fields);
  }

  async reconcile(_why: "failure" | "stale", signal: AbortSignal): Promise<Outcome> {
    return await this.#apply(await this.#read(signal), undefined);
  }

  async poll(signal: AbortSignal): Promise<Outcome> {
    const polled = await this.#http.json<{ status?: unknown } | null | undefined>({
      method: "GET",
      path: `/tasks/${segment(this.#id)}/status`,
      action: `poll task "${this.#id}"`,
      retry: "idempotent",
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
      context: { sessionId: this.#sessionId },
    });
    const status = parseStatus(isObject(polled) ? polled.status : undefined);
    // Read the whole task on any change, and whenever the status is terminal
    // (even if it looks unchanged), so a cached final state still ends the loop.
    if (status === this.snapshot.status && !isTerminalStatus(status)) return NOTHING;
    const outcome = await this.#apply(await this.#read(signal), undefined);
    if (!isTerminalStatus(status) || this.isFinal()) {
      this.#contradictions = 0;
      return outcome;
    }
    this.#contradictions++;
    if (this.#contradictions >= MAX_INCONSISTENT_READS) {
      throw new InconsistentStateError(
        `Cannot ${this.action}: GET /tasks/${this.#id}/status says ${status} but GET /tasks/${this.#id} still says ${this.snapshot.status} after ${this.#contradictions} reads`,
        status,
        this.snapshot.status,
      );
    }
    return outcome;
  }

  #apply(data: Partial<Task>, fields: string[] | undefined): Outcome | Promise<Outcome> {
    if (changesNothing(this.snapshot, data)) return this.isFinal() ? FINAL : NOTHING;
    this.snapshot = mergeTask(this.snapshot, data);
    const outcome = this.isFinal() ? FINAL : PROGRESS;
    const held = this.#sink.update(this.snapshot, fields);
    return held === undefined ? outcome : held.then(() => outcome);
  }

  async #read(signal: AbortSignal): Promise<Task> {
    const task = await this.#http.json<Task | null | undefined>({
      method: "GET",
      path: `/tasks/${segment(this.#id)}`,
      action: `get task "${this.#id}"`,
      retry: "idempotent",
      expect: "object-with-id",
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
      context: { sessionId: this.#sessionId },
    });
    if (!isObject(task)) {
      throw new InferenceError(`Cannot get task "${this.#id}": the API answered without a task`);
    }
    return task as Task;
  }
}

/** `value` when it is an array of strings (the usual `fields`), its strings when mixed. */
function stringsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) {
    if (typeof item !== "string") return value.filter((f): f is string => typeof f === "string");
  }
  return value as string[];
}
