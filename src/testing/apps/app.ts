/**
 * What a fake app is: a name, and an async `run` that drives a task while it is
 * in status 7 (running). Add an app by writing one file here and listing it in
 * `registry.ts`.
 *
 * @module
 */

import type { AppSchema } from "./schemas.ts";

/**
 * One missing requirement, as sent in a 412 problem's `errors[]` (docs/protocol.md §2.4).
 *
 * @example
 * ```ts
 * import type { RequirementError } from "@inferencesh/sdk/testing";
 * const missing: RequirementError = {
 *   type: "secret",
 *   key: "HF_TOKEN",
 *   message: "Secret HF_TOKEN is required",
 *   action: { type: "add_secret" },
 * };
 * ```
 */
export interface RequirementError {
  /** What is missing. */
  type: "secret" | "integration" | "scope";
  /** The secret's name or the integration's key. */
  key: string;
  /** A sentence for the user. */
  message: string;
  /** What fixes it. */
  action?: {
    type: "add_secret" | "connect" | "add_scopes";
    provider?: string | undefined;
    "provider_name"?: string | undefined;
    scopes?: string[] | undefined;
    "scope_descriptions"?: Record<string, string> | undefined;
  } | undefined;
}

/**
 * What an app can do while it runs.
 *
 * @example An app that logs, streams a delta and remembers across a session
 * ```ts
 * import type { AppContext } from "@inferencesh/sdk/testing";
 *
 * async function run(input: unknown, context: AppContext): Promise<unknown> {
 *   context.log("thinking");
 *   await context.step();
 *   context.delta({ response: "hi" });
 *   const calls = ((context.memory.get("calls") as number | undefined) ?? 0) + 1;
 *   context.memory.set("calls", calls);
 *   return { response: "hi", calls };
 * }
 * console.log(typeof run);
 * ```
 */
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
   * or a file whose bytes were never uploaded.
   */
  readFile(uri: string): InputFile | undefined;
  /**
   * The in-memory state of the worker running the task: kept across the calls
   * of one session, fresh for each task outside a session.
   */
  readonly memory: Map<string, unknown>;
}

/** What the worker a task runs on gives its app: files to read, and its memory. */
export type AppWorker = Pick<AppContext, "readFile" | "memory">;

/**
 * A file an app reads with {@linkcode AppContext.readFile}.
 *
 * @example
 * ```ts
 * import type { AppContext, InputFile } from "@inferencesh/sdk/testing";
 * function size(context: AppContext, uri: string): number {
 *   const file: InputFile | undefined = context.readFile(uri);
 *   return file?.bytes.length ?? 0;
 * }
 * console.log(typeof size);
 * ```
 */
export interface InputFile {
  /** The file's id. */
  id: string;
  /** Its name. */
  filename: string;
  /** The type it is served with: the upload's `Content-Type`. */
  contentType: string;
  /** Its bytes. */
  bytes: Uint8Array;
}

/**
 * An app of your own for the emulator (`createEmulator({ apps: [...] })`), so
 * code under test can run the app names it uses in production. `run` gets the
 * task's input and resolves with its output; throwing fails the task with the
 * error's message; a non-empty `requirements` answers `POST /apps/run` with 412.
 *
 * @example A scripted image app
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { type AppDefinition, createEmulator } from "@inferencesh/sdk/testing";
 *
 * const flux: AppDefinition = {
 *   name: "my-org/flux",
 *   run: async (input, context) => {
 *     await context.step();
 *     return { image: "https://example.com/cat.png", prompt: (input as { prompt: string }).prompt };
 *   },
 * };
 * const emulator = createEmulator({ stepMs: 1, apps: [flux] });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * console.log((await client.tasks.run({ app: "my-org/flux", input: { prompt: "a cat" } })).output);
 * emulator.close();
 * ```
 */
export interface AppDefinition {
  /** The reference clients pass as `app`, e.g. `"my-org/flux"` (without `@version`). */
  name: string;
  /** Does the work while the task runs, and returns (or resolves with) its output. */
  run(input: unknown, context: AppContext): unknown;
  /** Requirements the caller lacks; a non-empty list makes `POST /apps/run` answer 412. */
  requirements?: ((request: Record<string, unknown>) => RequirementError[]) | undefined;
  /** `app_id` put on tasks. @default {"app_" + the name} */
  id?: string | undefined;
  /** `app_version_id` put on tasks. @default {"ver_" + the name + "_1"} */
  versionId?: string | undefined;
  /** What `GET /apps/{namespace}/{name}` serves: schemas, functions, variants, secrets. */
  schema?: AppSchema | undefined;
}

/** An {@linkcode AppDefinition} with its defaults applied. */
export function defineApp(definition: AppDefinition): EmulatedApp {
  const { name, run, requirements } = definition;
  if (typeof name !== "string" || !/^[^/@:\s]+\/[^/@:\s]+$/.test(name)) {
    throw new TypeError(`Cannot add app: 'name' must look like "namespace/name": got ${name}`);
  }
  if (typeof run !== "function") {
    throw new TypeError(`Cannot add app "${name}": 'run' must be a function`);
  }
  const slug = name.replace(/[^a-z0-9]+/gi, "_").toLowerCase();
  return {
    name,
    id: definition.id ?? `app_${slug}`,
    versionId: definition.versionId ?? `ver_${slug}_1`,
    ...(requirements ? { requirements } : {}),
    ...(definition.schema ? { schema: definition.schema } : {}),
    run: async (input, context) => await run(input, context),
  };
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
  /** What `GET /apps/{namespace}/{name}` serves; built-in apps have theirs in schemas.ts. */
  readonly schema?: AppSchema | undefined;
  /** Does the work and resolves with the task's `output`. */
  run(input: unknown, context: AppContext): Promise<unknown>;
}

/** `input` as an object (anything else reads as `{}`). */
export function inputObject(input: unknown): Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input)
    ? input as Record<string, unknown>
    : {};
}
