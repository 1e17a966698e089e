/**
 * What a fake app is: a name, and an async `run` that drives a task while it is
 * in status 7 (running). Add an app by writing one file here and listing it in
 * `registry.ts`.
 *
 * @module
 */

/** One missing requirement, as sent in a 412 problem's `errors[]` (protocol §2.3). */
export interface RequirementError {
  type: "secret" | "integration" | "scope";
  key: string;
  message: string;
  action?: {
    type: "add_secret" | "connect" | "add_scopes";
    provider?: string | undefined;
    "provider_name"?: string | undefined;
    scopes?: string[] | undefined;
    "scope_descriptions"?: Record<string, string> | undefined;
  } | undefined;
}

/** What an app can do while it runs. */
export interface AppContext {
  /** Id of the task being run. */
  readonly taskId: string;
  /** Aborted when the task is cancelled or the emulator closes; stop at once. */
  readonly signal: AbortSignal;
  /** Origin of the request that created the task, for URLs the app returns. */
  readonly origin: string;
  /** Waits one `stepMs` (rejects when `signal` aborts). */
  step(): Promise<void>;
  /** Waits `ms` of real time (rejects when `signal` aborts). */
  sleep(ms: number): Promise<void>;
  /** Appends a line to the task's logs. */
  log(line: string): void;
  /** Streams a delta (`{"response": "…"}`) to the task's subscribers. */
  delta(delta: Record<string, unknown>): void;
  /** Stores bytes the emulator serves at the returned `<origin>/__files/<id>/<name>` URL. */
  storeFile(name: string, contentType: string, bytes: Uint8Array<ArrayBuffer>): string;
  /**
   * Reads a file the emulator holds (an upload or an output) by its URI, as a
   * worker downloads its input files. Returns `undefined` when `uri` is not one
   * of the emulator's `/__files/` URLs; throws when it is one but names no file,
   * or a file whose bytes were never uploaded. Set for every task `POST
   * /apps/run` starts.
   */
  readFile?(uri: string): InputFile | undefined;
  /**
   * The in-memory state of the worker running the task: kept across the calls
   * of one session, fresh for each task outside a session. Set for every task
   * `POST /apps/run` starts.
   */
  readonly memory?: Map<string, unknown> | undefined;
}

/** A file an app reads with {@linkcode AppContext.readFile}. */
export interface InputFile {
  id: string;
  filename: string;
  /** The type it is served with: the upload's `Content-Type`. */
  contentType: string;
  bytes: Uint8Array;
}

/** A fake app. Throw an `Error` from `run` to fail the task with its message. */
export interface EmulatedApp {
  /** Reference clients pass as `app`, e.g. `"infsh/echo"`. */
  readonly name: string;
  /** `app_id` put on tasks. */
  readonly id: string;
  /** `app_version_id` put on tasks. */
  readonly versionId: string;
  /** Requirements the caller lacks; a non-empty list makes `POST /apps/run` answer 412. */
  requirements?(request: Record<string, unknown>): RequirementError[];
  /** Does the work and resolves with the task's `output`. */
  run(input: unknown, context: AppContext): Promise<unknown>;
}

/** `input` as an object (anything else reads as `{}`). */
export function inputObject(input: unknown): Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input)
    ? input as Record<string, unknown>
    : {};
}
