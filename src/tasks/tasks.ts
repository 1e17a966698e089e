/**
 * The tasks resource: run apps, follow them, read and cancel them.
 *
 * @module
 */

import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import { linkSignals } from "../http/signals.ts";
import {
  type FollowSettings,
  followSettings,
  type ResilienceOptions,
} from "../streaming/options.ts";
import { pull } from "../streaming/pull.ts";
import { type AccumulatedDelta, accumulateDelta, emptyDelta } from "./delta.ts";
import { followTask, type TaskFollowStart } from "./follow.ts";
import { checkWaitTimeout, followHandle, readHandle, type TaskHandle, waitFor } from "./handle.ts";
import { type InputPreparer, refuseFiles } from "./input_files.ts";
import { isTerminalStatus } from "./status.ts";
import type { ApiTaskRequest, Task, TaskDelta } from "./types.ts";
import { validateTaskRequest } from "./validate.ts";
import type {
  AppEntry,
  AppFunctionName,
  AppInput,
  AppOutput,
  AppTaskRequest,
  RegisteredApp,
} from "../apps/types.ts";
import type { StandardSchemaV1 } from "../agents/standard_schema.ts";
import { checkOutput } from "./output_schema.ts";
import { checkListParams, CursorList, listPages, type ListParams } from "../lists/cursor_list.ts";

/**
 * How to follow a task: transport, reconnection and callbacks. Used by
 * {@linkcode Tasks.run} and {@linkcode Tasks.stream}.
 *
 * @example
 * ```ts
 * import type { FollowOptions } from "@inferencesh/sdk/types";
 * const options: FollowOptions = { idleTimeoutMs: 15_000, maxReconnects: 10 };
 * ```
 */
export interface FollowOptions extends RequestOptions, ResilienceOptions {
  /** Called with the merged task snapshot after every update, partial ones included. */
  onUpdate?: ((task: Task) => void) | undefined;
  /**
   * Called for every token delta, with the delta and everything accumulated so
   * far (`so_far.response` is the text up to now). Deltas never enter the task.
   * Deltas are de-duplicated per producer (`resource_id`) by their `seq`.
   */
  onDelta?: ((delta: TaskDelta, soFar: AccumulatedDelta) => void) | undefined;
}

/**
 * Options of {@linkcode Tasks.run}.
 *
 * @typeParam Output The output type `outputSchema` produces.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "@inferencesh/sdk";
 * const options: RunOptions = {
 *   onUpdate: (task) => console.log(task.status),
 *   signal: AbortSignal.timeout(60_000),
 * };
 * ```
 */
export interface RunOptions<Output = unknown> extends FollowOptions {
  /**
   * A Standard Schema (zod, valibot, arktype…) the output of a completed task
   * must match; it also types `output`. A mismatch rejects with
   * `OutputValidationError` (its `output` is what the app returned, `taskId` the
   * task). Failed and cancelled tasks, and `wait: false`, are not checked.
   */
  outputSchema?: StandardSchemaV1<unknown, Output> | undefined;
  /**
   * Wait for the task to end (`true`), or return the created task at once (`false`).
   * @default {true}
   */
  wait?: boolean | undefined;
  /**
   * When `signal` aborts a run, also ask the API to cancel the task: in the
   * background (the run rejects at once), with one retry and a 10 s bound. An
   * abort while the task is being created cancels it as soon as its id is known.
   * @default {true}
   */
  cancelOnAbort?: boolean | undefined;
  /**
   * How many files found in `input` are uploaded at once before the task is created.
   * @default {4}
   */
  uploadConcurrency?: number | undefined;
  /** Called with the task as created, before it is followed (e.g. to keep its id). */
  onCreate?: ((task: Task) => void) | undefined;
}

/**
 * Options of {@linkcode Tasks.follow}: those of `stream`, and `onHandle`.
 *
 * @example
 * ```ts
 * import type { TaskHandle } from "@inferencesh/sdk";
 * import type { HandleFollowOptions } from "@inferencesh/sdk/types";
 * let saved: TaskHandle | undefined;
 * const options: HandleFollowOptions = { onHandle: (handle) => (saved = handle) };
 * ```
 */
export interface HandleFollowOptions extends FollowOptions {
  /**
   * Called with a fresh {@linkcode TaskHandle} after every update and delta
   * reported: store the latest, and a later follow from it repeats nothing
   * reported before it.
   */
  onHandle?: ((handle: TaskHandle) => void) | undefined;
}

/**
 * Options of {@linkcode Tasks.wait}.
 *
 * @example
 * ```ts
 * import type { WaitOptions } from "@inferencesh/sdk/types";
 * const options: WaitOptions = { timeoutMs: 25_000 };
 * ```
 */
export interface WaitOptions extends Omit<HandleFollowOptions, "timeoutMs"> {
  /**
   * How long to wait, in ms; when it is up, the latest snapshot is returned
   * (no error, and the task goes on). Leave it out to wait until the end.
   */
  timeoutMs?: number | undefined;
  /** Per-request timeout of the reads and the stream connect (the client's `timeoutMs` otherwise). */
  requestTimeoutMs?: number | undefined;
}

/**
 * Runs apps as tasks and follows them. Reach it as `client.tasks`.
 *
 * @example Run a task and wait for its result
 * ```ts
 * import { inference, TaskStatusCompleted } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const result = await client.tasks.run({ app: "infsh/echo", input: { prompt: "hi" } });
 * if (result.status === TaskStatusCompleted) console.log(result.output);
 * emulator.close();
 * ```
 */
export class Tasks {
  readonly #http: HttpClient;
  readonly #prepareInput: InputPreparer;
  readonly #random: () => number;

  /**
   * Created by the client; use `client.tasks`. `prepareInput` uploads the files
   * found in `input` (the lean client refuses them instead).
   *
   * @ignore
   */
  constructor(
    http: HttpClient,
    prepareInput: InputPreparer = refuseFiles,
    random: () => number = http.config.random ?? Math.random,
  ) {
    this.#http = http;
    this.#prepareInput = prepareInput;
    this.#random = random;
  }

  /**
   * Runs an app. By default waits until the task ends and resolves with the
   * final task for every terminal status (completed, failed, cancelled: check
   * `status`). Rejects only for API, transport, timeout and abort errors; bad
   * params are rejected before any request.
   *
   * Files in `input` are uploaded first (at most `uploadConcurrency` at once)
   * and replaced by their `uri`: `Blob`s and `File`s, `Uint8Array`s,
   * `ArrayBuffer`s, `ReadableStream`s and `data:` URIs, at any depth. No other
   * string is taken for a file. A `Date` is sent as its ISO string (as JSON
   * would); a value JSON would silently flatten or drop (a `Map`, a class
   * instance without `toJSON`, a function) is a `TypeError` naming its path.
   *
   * @example Stream status and tokens
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run(
   *   { app: "infsh/text-stream", input: { prompt: "hello" } },
   *   { onUpdate: (t) => console.log(t.status), onDelta: (d) => console.log(d.delta.response) },
   * );
   * console.log(task.output);
   * emulator.close();
   * ```
   *
   * @example Type the input and output yourself
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * interface EchoInput { prompt: string }
   * interface EchoOutput { prompt: string }
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const input: EchoInput = { prompt: "hi" };
   * const task = await client.tasks.run<EchoInput, EchoOutput>({ app: "infsh/echo", input });
   * console.log(task.output?.prompt);
   * emulator.close();
   * ```
   *
   * @example Validate the output with any Standard Schema
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   * import { z } from "zod";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run(
   *   { app: "infsh/echo", input: { prompt: "hi" } },
   *   { outputSchema: z.object({ prompt: z.string() }) },
   * );
   * console.log(task.output?.prompt.toUpperCase());
   * emulator.close();
   * ```
   */
  run<
    Ref extends RegisteredApp,
    Fn extends AppFunctionName<Ref> | undefined = undefined,
    Output = AppOutput<Ref, Fn>,
  >(
    params: AppTaskRequest<Ref, Fn>,
    options?: RunOptions<Output>,
  ): Promise<Task<Output, AppInput<Ref, Fn>>>;
  /** Runs an app that is not registered, with the input and output types given (or `unknown`). */
  run<
    Input extends object = Record<string, unknown>,
    Output = unknown,
    Ref extends string = string,
  >(
    // A registered app must take the checked form above. Spelled as its request (not as a
    // `{ app: never }` guard) so that TypeScript, reporting this last overload's error, names the
    // wrong input field rather than `app`.
    params: [AppEntry<Ref>] extends [never] ? ApiTaskRequest<Input> & { app: Ref }
      : AppTaskRequest<Ref, undefined>,
    options?: RunOptions<Output>,
  ): Promise<Task<Output, Input>>;
  async run(params: ApiTaskRequest<object>, options: RunOptions = {}): Promise<Task> {
    validateTaskRequest(params);
    const settings = this.#settings(options);
    const input = await this.#prepareInput(params.input as Record<string, unknown>, {
      concurrency: options.uploadConcurrency ?? 4,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    const task = await this.#create(params, input, options);
    options.onCreate?.(task);
    if (options.wait === false) return task;
    const session = typeof task.session_id === "string" && task.session_id !== ""
      ? task.session_id
      : params.session === "new"
      ? undefined
      : params.session;
    let final: Task;
    try {
      final = await this.#followFrom({ task }, settings, options, session);
    } catch (error) {
      if (options.signal?.aborted && options.cancelOnAbort !== false) {
        this.#cancelInBackground(task.id);
      }
      throw error;
    }
    return options.outputSchema ? await checkOutput(final, options.outputSchema) : final;
  }

  /**
   * Follows an existing task: an async iterable of task snapshots, one per
   * update, ending with the terminal one. `break` closes the connection.
   * Takes a task id or a {@linkcode TaskHandle}: from a handle, deltas it
   * counts as seen are not reported again, and a handle whose status is
   * already terminal yields nothing (its end was reported before it was
   * saved); `onHandle` hands out fresh handles.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.tasks.run({ app: "infsh/echo", input: {} }, { wait: false });
   * for await (const task of client.tasks.stream(id)) console.log(task.status);
   * emulator.close();
   * ```
   */
  async *stream<Output = unknown>(
    id: string | TaskHandle,
    options: HandleFollowOptions = {},
  ): AsyncGenerator<Task<Output>, void, undefined> {
    const handle = this.#handleOf(id);
    // A handle saved after the end: the terminal update was reported already.
    if (isTerminalStatus(handle.status)) return;
    const settings = this.#settings(options);
    const accumulated = emptyDelta();
    yield* pull<Task<Output>>(async (emit, stop) => {
      // Leaving the loop stops the follower and closes its connection.
      const link = linkSignals([options.signal, stop]);
      try {
        await followHandle(this.#http, handle, { ...settings, signal: link.signal }, {
          update: (task, fresh) => {
            options.onUpdate?.(task);
            options.onHandle?.(fresh);
            return emit(task as Task<Output>);
          },
          delta: (delta, fresh) => {
            options.onDelta?.(delta, accumulateDelta(accumulated, delta.delta));
            options.onHandle?.(fresh);
          },
        });
      } finally {
        link.dispose();
      }
    });
  }

  /**
   * Follows a task from a {@linkcode TaskHandle} (or its id) until it ends,
   * and resolves with the final task, whatever its status. Deltas the handle
   * counts as seen are not reported again; when the handle's status is
   * already terminal, the task is read and returned without calling
   * `onUpdate`. `onHandle` hands out fresh handles to store as it goes.
   *
   * @example Pick a task up in another process
   * ```ts
   * import { inference, type TaskHandle, taskHandle } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run(
   *   { app: "infsh/text-stream", input: { prompt: "hello" } },
   *   { wait: false },
   * );
   * let saved = JSON.stringify(taskHandle(task));
   *
   * const handle: TaskHandle = JSON.parse(saved);
   * const done = await client.tasks.follow(handle, {
   *   onDelta: (d) => console.log(d.delta.response),
   *   onHandle: (h) => (saved = JSON.stringify(h)),
   * });
   * console.log(done.status, JSON.parse(saved).status); // 10 10
   * emulator.close();
   * ```
   */
  async follow<Output = unknown>(
    target: string | TaskHandle,
    options: HandleFollowOptions = {},
  ): Promise<Task<Output>> {
    const handle = this.#handleOf(target);
    if (isTerminalStatus(handle.status)) {
      return await this.get<Output>(handle.id, this.#requestOf(options));
    }
    const accumulated = emptyDelta();
    return await followHandle<Output>(this.#http, handle, this.#settings(options), {
      update: (task, fresh) => {
        options.onUpdate?.(task);
        options.onHandle?.(fresh);
      },
      delta: (delta, fresh) => {
        options.onDelta?.(delta, accumulateDelta(accumulated, delta.delta));
        options.onHandle?.(fresh);
      },
    });
  }

  /**
   * Waits, at most `timeoutMs`, for a task to end: resolves with the final
   * task, or with its latest snapshot when the time is up (no error, and the
   * task is not cancelled), so a workflow step can call it again and again.
   * Takes a task id or a {@linkcode TaskHandle}; a handle whose status is
   * terminal is answered with one read.
   *
   * @example One bounded step of a durable workflow
   * ```ts
   * import { inference, isTerminalStatus } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.tasks.run(
   *   { app: "infsh/sleep", input: { seconds: 60 } },
   *   { wait: false },
   * );
   * const task = await client.tasks.wait(id, { timeoutMs: 50 });
   * console.log(isTerminalStatus(task.status)); // false: call again later
   * emulator.close();
   * ```
   */
  async wait<Output = unknown>(
    target: string | TaskHandle,
    options: WaitOptions = {},
  ): Promise<Task<Output>> {
    const handle = this.#handleOf(target);
    const timeoutMs = checkWaitTimeout(options.timeoutMs);
    const { timeoutMs: _, requestTimeoutMs, ...rest } = options;
    const follow: HandleFollowOptions = { ...rest, timeoutMs: requestTimeoutMs };
    return await waitFor<Output>(
      handle,
      timeoutMs,
      options.signal,
      // The deadline runs on the engine's clock, as the follow it bounds does.
      this.#settings(follow).clock,
      (signal, seen) =>
        this.follow<Output>(handle, {
          ...follow,
          signal,
          onUpdate: (task) => {
            seen(task as Task<Output>);
            options.onUpdate?.(task);
          },
        }),
      (signal) => this.get<Output>(handle.id, { ...this.#requestOf(follow), signal }),
    );
  }

  /**
   * Reads a task.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.tasks.run({ app: "infsh/echo", input: {} }, { wait: false });
   * console.log((await client.tasks.get(id)).status);
   * emulator.close();
   * ```
   */
  async get<Output = unknown>(id: string, options: RequestOptions = {}): Promise<Task<Output>> {
    return await this.#http.json<Task<Output>>({
      method: "GET",
      path: `/tasks/${segment(id)}`,
      action: `get task "${id}"`,
      retry: "idempotent",
      expect: "object-with-id",
      ...options,
    });
  }

  /**
   * Asks the API to cancel a task. Safe to repeat: it is retried on transient
   * failures, and cancelling a finished task changes nothing.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run({ app: "infsh/sleep", input: { seconds: 60 } }, { wait: false });
   * await client.tasks.cancel(task.id);
   * emulator.close();
   * ```
   */
  async cancel(id: string, options: RequestOptions = {}): Promise<void> {
    await this.#http.json<unknown>({
      method: "POST",
      path: `/tasks/${segment(id)}/cancel`,
      action: `cancel task "${id}"`,
      retry: "idempotent",
      ...options,
    });
  }

  /**
   * Lists your tasks, newest first: iterate it to get every task (pages are
   * fetched as needed), or take one page with `.page()`.
   *
   * @example
   * ```ts
   * import { inference, TaskStatusCompleted } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * await client.tasks.run({ app: "infsh/echo", input: {} });
   * const done = { field: "status", operator: "eq", value: TaskStatusCompleted };
   * for await (const task of client.tasks.list({ limit: 50, filters: [done] })) console.log(task.id);
   * emulator.close();
   * ```
   *
   * @throws {RangeError} When `limit` is not a whole number >= 1.
   */
  list(params: ListParams = {}, options: RequestOptions = {}): CursorList<Task> {
    return new CursorList(
      listPages<Task>(this.#http, "/tasks/list", "tasks"),
      checkListParams(params, "tasks"),
      options,
    );
  }

  /**
   * Deletes a task. Safe to repeat on transient failures.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run({ app: "infsh/echo", input: {} });
   * await client.tasks.delete(task.id);
   * emulator.close();
   * ```
   *
   * @throws {NotFoundError} When there is no such task.
   */
  async delete(id: string, options: RequestOptions = {}): Promise<void> {
    await this.#http.json<unknown>({
      method: "DELETE",
      path: `/tasks/${segment(id)}`,
      action: `delete task "${id}"`,
      retry: "idempotent",
      ...options,
    });
  }

  /**
   * `POST /apps/run`. An abort rejects at once, but the request is left to
   * finish (bounded by its own timeout), so that the task it created can be
   * cancelled as soon as its id is known.
   */
  #create(
    params: ApiTaskRequest<object>,
    input: unknown,
    options: RunOptions,
  ): Promise<Task> {
    const { signal } = options;
    signal?.throwIfAborted();
    const posting = this.#http.json<Task>({
      method: "POST",
      path: "/apps/run",
      body: { ...params, input },
      action: `run app "${params.app}"`,
      retry: "create",
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      expect: "object-with-id",
      context: { sessionId: params.session === "new" ? undefined : params.session },
    });
    if (!signal) return posting;
    return new Promise<Task>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason);
        posting.then((task) => {
          if (options.cancelOnAbort !== false) this.#cancelInBackground(task.id);
        }, () => {});
      };
      signal.addEventListener("abort", onAbort, { once: true });
      posting.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Asks for a cancel without waiting for it: one retry, at most 10 s per attempt. */
  #cancelInBackground(id: string): void {
    const timeoutMs = Math.min(10_000, this.#http.config.timeoutMs);
    this.cancel(id, { maxRetries: 1, timeoutMs }).catch(() => {});
  }

  /**
   * Follows from `start` to the end, reporting to the callbacks; the one entry
   * point for every way of following (a fresh run, an id, a saved handle).
   * Errors carry the session's id.
   */
  async #followFrom(
    start: TaskFollowStart,
    settings: FollowSettings,
    options: FollowOptions,
    sessionId: string | undefined,
  ): Promise<Task> {
    const accumulated = emptyDelta();
    const { onUpdate, onDelta } = options;
    return await followTask(this.#http, start, settings, {
      update: (task) => {
        onUpdate?.(task);
      },
      // Without onDelta, nothing reads the text so far: it is not kept.
      delta: onDelta
        ? (delta) => {
          onDelta(delta, accumulateDelta(accumulated, delta.delta));
        }
        : () => {},
    }, sessionId);
  }

  #handleOf(target: string | TaskHandle): TaskHandle {
    if (typeof target === "string") {
      segment(target);
      return { id: target, status: 0, cursors: {} };
    }
    return readHandle(target);
  }

  #requestOf(options: FollowOptions): RequestOptions {
    return {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    };
  }

  #settings(options: FollowOptions): FollowSettings {
    return followSettings(options, this.#http.config, this.#random);
  }
}
