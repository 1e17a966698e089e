/**
 * Durable task handles: what a process needs to pick a task up again in
 * another process or isolate (its id, its session, the last status seen and
 * the last delta `seq` seen per producer), as plain JSON to store anywhere;
 * and the follow and bounded wait that start from one.
 *
 * @module
 */

import { type HttpClient, isObject } from "../http/core.ts";
import type { FollowClock, FollowSettings } from "../streaming/options.ts";
import { followWithin } from "../streaming/within.ts";
import { followTask, producerOf } from "./follow.ts";
import { isTerminalStatus, parseStatus, type TaskStatus } from "./status.ts";
import type { Task, TaskDelta } from "./types.ts";

/**
 * A task to pick up again later, elsewhere: plain JSON (store it in KV, a
 * Durable Object's storage, a queue message, a workflow step's result) and give
 * it to `client.tasks.follow`, `stream` or `wait` in any process. Make one with
 * {@linkcode taskHandle}; following reports fresh ones through `onHandle`.
 *
 * Following from a handle never reports again a delta it counts as seen, and
 * a handle saved after the terminal update never reports that update again.
 *
 * @example
 * ```ts
 * import type { TaskHandle } from "@inferencesh/sdk";
 * const handle: TaskHandle = { id: "01jd7x…", status: 7, cursors: { "": 12 } };
 * const stored = JSON.stringify(handle);
 * console.log(JSON.parse(stored).cursors[""]); // 12
 * ```
 */
export interface TaskHandle {
  /** The task's id. */
  id: string;
  /** The session the task runs in, when it uses one. */
  session?: string | undefined;
  /** The last status seen (an integer, see the `TaskStatus*` constants). */
  status: TaskStatus;
  /**
   * The highest delta `seq` seen, per producer: the delta's `resource_id`, or
   * `""` for an app's own deltas.
   */
  cursors: Record<string, number>;
}

/**
 * Makes a {@linkcode TaskHandle} from a task (what `run(…, { wait: false })`,
 * `onCreate` or `onUpdate` give), keeping the delta cursors of `previous` (a
 * handle of the same task) when given.
 *
 * @example Start in one request, pick up in another
 * ```ts
 * import { inference, taskHandle } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const task = await client.tasks.run({ app: "infsh/echo", input: { n: 1 } }, { wait: false });
 * const saved = JSON.stringify(taskHandle(task)); // store it anywhere
 *
 * const other = inference({ apiKey: "test", fetch: emulator.fetch }); // another process
 * const done = await other.tasks.follow(JSON.parse(saved));
 * console.log(done.output); // { n: 1 }
 * emulator.close();
 * ```
 *
 * @param task The task, or a handle.
 * @param previous An earlier handle of the same task, whose cursors are kept.
 * @returns A new handle (plain JSON).
 * @throws {TypeError} When `task` has no id, or `previous` is of another task.
 */
export function taskHandle(task: Task | TaskHandle, previous?: TaskHandle): TaskHandle {
  if (typeof task !== "object" || task === null || typeof task.id !== "string" || task.id === "") {
    throw new TypeError("Invalid argument 'task': must be a task or a task handle with an 'id'");
  }
  if (previous !== undefined && previous.id !== task.id) {
    throw new TypeError(
      `Invalid argument 'previous': a handle of task "${previous.id}", not of "${task.id}"`,
    );
  }
  const session = "cursors" in task && typeof task.session === "string"
    ? task.session
    : typeof (task as Task).session_id === "string" && (task as Task).session_id !== ""
    ? (task as Task).session_id as string
    : previous?.session;
  const cursors: Record<string, number> = { ...previous?.cursors };
  if ("cursors" in task && isObject(task.cursors)) {
    for (const [producer, seq] of Object.entries(task.cursors)) {
      if (typeof seq === "number" && !(seq <= (cursors[producer] ?? -Infinity))) {
        cursors[producer] = seq;
      }
    }
  }
  return {
    id: task.id,
    ...(session === undefined ? {} : { session }),
    status: parseStatus(task.status),
    cursors,
  };
}

/**
 * Reads a handle given back from storage: checks its shape (a `TypeError`
 * naming the field otherwise) and returns a fresh copy.
 */
export function readHandle(value: unknown, name = "handle"): TaskHandle {
  const fail = (problem: string): never => {
    throw new TypeError(`Invalid argument '${name}': ${problem}`);
  };
  if (!isObject(value)) return fail("must be a task handle (see taskHandle) or a task id");
  if (typeof value.id !== "string" || value.id === "") fail("'id' must be a non-empty string");
  if (value.session !== undefined && typeof value.session !== "string") {
    fail("'session' must be a string");
  }
  const cursors = value.cursors ?? {};
  if (!isObject(cursors)) return fail("'cursors' must be an object of numbers");
  for (const [producer, seq] of Object.entries(cursors)) {
    if (typeof seq !== "number" || Number.isNaN(seq)) {
      fail(`'cursors["${producer}"]' must be a number`);
    }
  }
  return {
    id: value.id as string,
    ...(typeof value.session === "string" ? { session: value.session } : {}),
    status: parseStatus(value.status),
    cursors: { ...cursors as Record<string, number> },
  };
}

/** Where a handle-based follower reports; each call comes with the handle as of then. */
export interface HandleSink {
  /** A changed snapshot; may return a promise to hold the follower. */
  update(task: Task, handle: TaskHandle): void | Promise<void>;
  /** A delta not seen before (by the handle either). */
  delta(delta: TaskDelta, handle: TaskHandle): void;
}

/**
 * Follows the task of `handle` (not terminal) until it ends, through the follow
 * engine, starting from the handle's status and delta cursors. Resolves with
 * the final snapshot.
 */
export async function followHandle<Output = unknown>(
  http: HttpClient,
  handle: TaskHandle,
  settings: FollowSettings,
  sink: HandleSink,
): Promise<Task<Output>> {
  const cursors = { ...handle.cursors };
  let current: TaskHandle = { ...handle, cursors: { ...cursors } };
  const task: Task = { id: handle.id, status: handle.status };
  if (handle.session !== undefined) task.session_id = handle.session;
  const final = await followTask(http, { task, cursors: handle.cursors }, settings, {
    update: (snapshot) => {
      current = taskHandle(snapshot, { ...current, cursors: { ...cursors } });
      return sink.update(snapshot, current);
    },
    delta: (delta) => {
      // The engine reports only deltas above the cursors; keep the cursors for the handle.
      const producer = producerOf(delta);
      if (typeof delta.seq === "number" && !(delta.seq <= (cursors[producer] ?? -Infinity))) {
        cursors[producer] = delta.seq;
      }
      current = { ...current, cursors: { ...cursors } };
      sink.delta(delta, current);
    },
  }, handle.session);
  return final as Task<Output>;
}

/**
 * Follows `handle` for at most `timeoutMs` of `clock` (the engine's; forever
 * when undefined). Resolves with the final task, or, when the time is up, with
 * the latest snapshot (read with `get` when the follower saw none). Never
 * cancels the task.
 */
export async function waitFor<Output = unknown>(
  handle: TaskHandle,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  clock: FollowClock,
  follow: (signal: AbortSignal, seen: (task: Task<Output>) => void) => Promise<Task<Output>>,
  get: (signal: AbortSignal | undefined) => Promise<Task<Output>>,
): Promise<Task<Output>> {
  signal?.throwIfAborted();
  if (isTerminalStatus(handle.status)) return await get(signal);
  let latest: Task<Output> | undefined;
  return await followWithin(
    timeoutMs,
    signal,
    clock,
    (link) =>
      follow(link, (task) => {
        latest = task;
      }),
    async () => latest ?? await get(signal),
  );
}

export { checkWaitTimeout } from "../streaming/within.ts";
