/**
 * The sessions resource: read, list, keep alive and end sessions, and
 * {@linkcode Session}, a handle that runs calls on one warm worker.
 *
 * @module
 */

import { SessionEndedError, SessionExpiredError, SessionNotFoundError } from "../errors.ts";
import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import type { Tasks } from "../tasks/tasks.ts";
import type { ApiTaskRequest, Task } from "../tasks/types.ts";
import type { AppEntry, AppInput, AppOutput } from "../apps/types.ts";
import type { AppSession, SessionOptions, SessionRunOptions } from "./types.ts";

/**
 * `Symbol.asyncDispose`, or on runtimes that lack it the symbol that
 * transpilers (TypeScript's and esbuild's `await using` helpers) fall back to.
 */
const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

/**
 * Sessions keep one worker, and whatever it holds in memory, across calls.
 * Start one with {@linkcode Sessions.open} (or `session: "new"` on
 * `tasks.run`), then run calls in it. Reach it as `client.sessions`.
 *
 * @example Two calls on the same worker
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const session = await client.sessions.open("infsh/counter", { timeout: 300 });
 * await session.run({});
 * console.log((await session.run({})).output); // { count: 2 }
 * await session.end();
 * emulator.close();
 * ```
 */
export class Sessions {
  readonly #http: HttpClient;
  readonly #tasks: Tasks;

  /**
   * Created by the client; use `client.sessions`.
   *
   * @ignore
   */
  constructor(http: HttpClient, tasks: Tasks) {
    this.#http = http;
    this.#tasks = tasks;
  }

  /**
   * Opens a session on `app`. Nothing is sent yet: the first
   * {@linkcode Session.run} starts the session (`session: "new"`), later ones
   * run in it. Dispose of it with `await using` or call `end()`.
   *
   * @example One line per step
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * {
   *   await using session = await client.sessions.open("infsh/counter", { timeout: 60 });
   *   await session.run({ by: 5 });
   *   console.log(session.id, (await session.run({ by: 1 })).output); // 1m8c4v7z… { count: 6 }
   * } // ended here
   * emulator.close();
   * ```
   *
   * @typeParam Ref The app reference; a registered app ({@linkcode AppTypes})
   * gives the session its input and output types.
   * @param app App reference, `namespace/name` (optionally `@version`).
   * @param options Idle timeout and worker setup.
   * @returns The handle; its `id` is set once the first run was created.
   * @throws {TypeError} When `app` or an option is malformed.
   * @throws {RangeError} When `timeout` is not a whole number of seconds from 1 to 3600.
   */
  open<Ref extends string>(
    app: Ref,
    options: SessionOptions = {},
  ): Promise<
    Session<
      AppInput<Ref> & object,
      AppOutput<Ref>,
      AppEntry<Ref> extends { functions?: infer Functions } ? NonNullable<Functions> : never
    >
  > {
    try {
      return Promise.resolve(new Session(this, this.#tasks, app, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Reads a session (any status).
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run({ app: "infsh/echo", input: {}, session: "new" });
   * console.log((await client.sessions.get(task.session_id!)).status); // "active"
   * emulator.close();
   * ```
   *
   * @throws {SessionNotFoundError} When there is no such session.
   */
  async get(id: string, options: RequestOptions = {}): Promise<AppSession> {
    return await this.#http.json<AppSession>({
      method: "GET",
      path: `/sessions/${segment(id)}`,
      action: `get session "${id}"`,
      retry: "idempotent",
      expect: "object-with-id",
      context: { sessionId: id },
      ...options,
    });
  }

  /**
   * Lists the active sessions.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * console.log(await client.sessions.list()); // []
   * emulator.close();
   * ```
   */
  async list(options: RequestOptions = {}): Promise<AppSession[]> {
    const sessions = await this.#http.json<AppSession[] | null | undefined>({
      method: "GET",
      path: "/sessions",
      action: "list sessions",
      retry: "idempotent",
      expect: "array",
      ...options,
    });
    return sessions ?? [];
  }

  /**
   * Restarts a session's idle timer without running anything.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run({ app: "infsh/echo", input: {}, session: "new" });
   * console.log((await client.sessions.keepalive(task.session_id!)).expires_at);
   * emulator.close();
   * ```
   *
   * @returns The session with its new `expires_at`.
   * @throws {SessionNotFoundError} When there is no such session.
   * @throws {SessionExpiredError} When it expired already.
   * @throws {SessionEndedError} When it was ended.
   */
  async keepalive(id: string, options: RequestOptions = {}): Promise<AppSession> {
    return await this.#http.json<AppSession>({
      method: "POST",
      path: `/sessions/${segment(id)}/keepalive`,
      action: `keep session "${id}" alive`,
      retry: "idempotent",
      expect: "object-with-id",
      context: { sessionId: id },
      ...options,
    });
  }

  /**
   * Ends a session and releases its worker.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const task = await client.tasks.run({ app: "infsh/echo", input: {}, session: "new" });
   * await client.sessions.end(task.session_id!);
   * emulator.close();
   * ```
   *
   * @throws {SessionNotFoundError} When there is no such session.
   */
  async end(id: string, options: RequestOptions = {}): Promise<void> {
    await this.#http.json<unknown>({
      method: "DELETE",
      path: `/sessions/${segment(id)}`,
      action: `end session "${id}"`,
      retry: "idempotent",
      context: { sessionId: id },
      ...options,
    });
  }
}

/**
 * A session on one app, from {@linkcode Sessions.open}. The first `run()`
 * starts it, every later one runs on the same worker. Calls of one handle run
 * one at a time, in order, as the worker would take them.
 *
 * Disposable: with `await using`, leaving the block ends the session. Where
 * the runtime has no `Symbol.asyncDispose`, call `end()`.
 *
 * @typeParam Input What `run()` takes (a registered app's input, or any object).
 * @typeParam Output What its tasks' `output` is.
 * @typeParam Functions A registered app's other functions, by name, with their
 * input and output (`never` when it has none).
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const session = await client.sessions.open("infsh/counter");
 * await session.run({});
 * await session.keepalive();
 * await session.end();
 * emulator.close();
 * ```
 */
export class Session<
  Input extends object = object,
  Output = unknown,
  Functions extends { [name: string]: { input: object; output: unknown } } = never,
> implements AsyncDisposable {
  /** The app the session runs. */
  readonly app: string;
  readonly #sessions: Sessions;
  readonly #tasks: Tasks;
  readonly #options: SessionOptions;
  #id: string | undefined;
  /** No more runs: `end()` was called. */
  #closed = false;
  #ended = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** Settles once the run that starts the session has been created (or failed). */
  #starting: Promise<void> | undefined;

  /**
   * Checks the arguments; use {@linkcode Sessions.open}.
   *
   * @ignore
   */
  constructor(sessions: Sessions, tasks: Tasks, app: string, options: SessionOptions = {}) {
    checkOpen(app, options);
    this.#sessions = sessions;
    this.#tasks = tasks;
    this.app = app;
    this.#options = { ...options };
  }

  /** The session id, once the first run was created; `undefined` before. */
  get id(): string | undefined {
    return this.#id;
  }

  /** Whether `end()` has ended the session. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Runs the app in the session (the first call starts it) and resolves like
   * `tasks.run`. Calls wait for the earlier calls of this handle.
   *
   * @throws {SessionEndedError} When `end()` was called, or the API says the session ended.
   * @throws {SessionExpiredError} When it expired.
   */
  run<Fn extends keyof Functions & string, RunOutput = Functions[Fn]["output"]>(
    input: Functions[Fn]["input"],
    options: SessionRunOptions<RunOutput> & { function: Fn },
  ): Promise<Task<RunOutput, Functions[Fn]["input"]>>;
  /** Runs the app's default function (or, for an app that is not registered, any). */
  run<RunInput extends Input = Input, RunOutput = Output>(
    input: RunInput,
    options?: SessionRunOptions<RunOutput>,
  ): Promise<Task<RunOutput, RunInput>>;
  run(input: object, options: SessionRunOptions = {}): Promise<Task> {
    const turn = this.#queue.then(() => this.#run(input, options));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #run(input: object, options: SessionRunOptions): Promise<Task> {
    if (this.#closed) {
      throw new SessionEndedError(
        `Cannot run "${this.app}" in session ${
          this.#id ?? "(never started)"
        }: the session was ended`,
        { sessionId: this.#id },
      );
    }
    const { timeout, setup, infra, variant } = this.#options;
    const { function: fn, ...runOptions } = options;
    const starting = this.#id === undefined;
    const params: ApiTaskRequest<object> = {
      app: this.app,
      input,
      session: this.#id ?? "new",
      ...(starting && timeout !== undefined ? { "session_timeout": timeout } : {}),
      ...(setup !== undefined ? { setup } : {}),
      ...(infra !== undefined ? { infra } : {}),
      ...(variant !== undefined ? { variant } : {}),
      ...(fn !== undefined ? { function: fn } : {}),
    };
    let started: () => void = () => {};
    if (starting) this.#starting = new Promise((resolve) => started = resolve);
    try {
      return await this.#tasks.run(params as ApiTaskRequest, {
        ...runOptions,
        onCreate: (task) => {
          if (starting && typeof task.session_id === "string" && task.session_id !== "") {
            this.#id = task.session_id;
          }
          started();
          runOptions.onCreate?.(task);
        },
      });
    } finally {
      started();
    }
  }

  /**
   * Reads the session.
   *
   * @throws {TypeError} Before the first run (there is no session yet).
   */
  async info(options: RequestOptions = {}): Promise<AppSession> {
    return await this.#sessions.get(await this.#started("read session"), options);
  }

  /**
   * Restarts the session's idle timer.
   *
   * @throws {TypeError} Before the first run (there is no session yet).
   * @throws {SessionExpiredError} When it expired already.
   */
  async keepalive(options: RequestOptions = {}): Promise<AppSession> {
    return await this.#sessions.keepalive(await this.#started("keep session alive"), options);
  }

  /**
   * Ends the session and releases its worker; later runs are refused. Safe to
   * call again, before any run (nothing to end), and on a session that already
   * expired or was ended.
   */
  async end(options: RequestOptions = {}): Promise<void> {
    this.#closed = true;
    await this.#starting;
    if (this.#id === undefined || this.#ended) {
      this.#ended = true;
      return;
    }
    try {
      await this.#sessions.end(this.#id, options);
    } catch (error) {
      const gone = error instanceof SessionNotFoundError || error instanceof SessionExpiredError ||
        error instanceof SessionEndedError;
      if (!gone) throw error;
    }
    this.#ended = true;
  }

  /** Ends the session when an `await using` block is left. */
  async [asyncDispose](): Promise<void> {
    await this.end();
  }

  async #started(action: string): Promise<string> {
    await this.#starting;
    if (this.#id === undefined) {
      throw new TypeError(
        `Cannot ${action}: the session on "${this.app}" starts with its first run(), which has not been made`,
      );
    }
    return this.#id;
  }
}

function checkOpen(app: string, options: SessionOptions): void {
  if (typeof app !== "string" || app.trim() === "") {
    throw new TypeError(
      `Cannot open session: 'app' must be a non-empty app reference like "namespace/name": got ${
        String(app)
      }`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot open session: 'options' must be an object");
  }
  const { timeout, setup } = options;
  if (
    timeout !== undefined &&
    (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600)
  ) {
    throw new RangeError(
      `Cannot open session: 'timeout' must be a whole number of seconds from 1 to 3600: got ${
        String(timeout)
      }`,
    );
  }
  if (
    setup !== undefined && (typeof setup !== "object" || setup === null || Array.isArray(setup))
  ) {
    throw new TypeError("Cannot open session: 'setup' must be an object");
  }
}
