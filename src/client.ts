/**
 * The client: one configured connection to the API, with a property per resource.
 *
 * @module
 */

import { Agents } from "./agents/agents.ts";
import { Apps } from "./apps/apps.ts";
import { Chats } from "./chats/chats.ts";
import { type ApiMethod, apiRequest, type ApiRequestOptions } from "./request/request.ts";
import { Files } from "./files/files.ts";
import { uploadInputFiles } from "./files/input_uploads.ts";
import { type ClientOptions, resolveConfig } from "./http/config.ts";
import { HttpClient } from "./http/core.ts";
import { Sessions } from "./sessions/sessions.ts";
import { Tasks } from "./tasks/tasks.ts";

/**
 * A client of the inference.sh API. Create it with {@linkcode inference}.
 *
 * @example
 * ```ts
 * import { inference, type InferenceClient } from "@inferencesh/sdk";
 * const client: InferenceClient = inference({ apiKey: "inf_..." });
 * ```
 */
export class InferenceClient {
  /** Run apps, follow, read and cancel tasks. */
  readonly tasks: Tasks;
  /** Upload files. */
  readonly files: Files;
  /** Warm, stateful workers across calls. */
  readonly sessions: Sessions;
  /** Chat with hosted agents. */
  readonly agents: Agents;
  /** Read apps: schemas, functions, variants, required secrets. */
  readonly apps: Apps;
  /** Read and list chats. */
  readonly chats: Chats;
  readonly #http: HttpClient;

  /** Checks `options` and creates the client; prefer {@linkcode inference}. */
  constructor(options: ClientOptions) {
    const http = new HttpClient(resolveConfig(options));
    this.files = new Files(http);
    const files = this.files;
    this.tasks = new Tasks(http, (input, settings) => uploadInputFiles(files, input, settings));
    this.sessions = new Sessions(http, this.tasks);
    this.agents = new Agents(http, this.files);
    this.apps = new Apps(http);
    this.chats = new Chats(http);
    this.#http = http;
  }

  /**
   * Calls any endpoint of the API, for what the SDK does not wrap (flows,
   * engines, knowledge, secrets…), with the same transport as every other
   * call: the key, retries (GET, PUT and DELETE like reads; POST only on 429
   * and 503 unless `idempotent`), the deadline, the `{data}` envelope
   * unwrapped, typed errors, and the key redacted from them.
   *
   * @example
   * ```ts
   * import { inference, type Task } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator({ stepMs: 1 });
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const { id } = await client.tasks.run({ app: "infsh/echo", input: {} });
   * const task = await client.request<Task>("GET", `/tasks/${id}`);
   * const page = await client.request<{ items: Task[] }>("POST", "/tasks/list", { body: { limit: 5 } });
   * console.log(task.status, page.items.length);
   * emulator.close();
   * ```
   *
   * @typeParam T The type of the response's `data`.
   * @param method `GET`, `POST`, `PUT` or `DELETE`.
   * @param path A path of the API starting with `/`, e.g. `/flows/list` (never a full URL).
   * @param options Body, query, abort signal and per-call overrides.
   * @returns The envelope's `data` (`undefined` for an empty answer).
   * @throws {TypeError} For a bad method or path, before any request.
   */
  async request<T = unknown>(
    method: ApiMethod,
    path: string,
    options: ApiRequestOptions = {},
  ): Promise<T> {
    return await apiRequest<T>(this.#http, method, path, options);
  }
}

/**
 * Creates a client of the inference.sh API.
 *
 * Nothing is sent until the first call; bad options throw here, naming the option.
 *
 * @example Against the real API
 * ```ts ignore
 * import { inference, TaskStatusCompleted } from "@inferencesh/sdk";
 * const client = inference({ apiKey: "inf_..." });
 * const result = await client.tasks.run({ app: "infsh/echo", input: { prompt: "hi" } });
 * if (result.status === TaskStatusCompleted) console.log(result.output);
 * ```
 *
 * @example Against the local emulator, offline
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * console.log((await client.tasks.run({ app: "infsh/echo", input: { a: 1 } })).output);
 * emulator.close();
 * ```
 */
export function inference(options: ClientOptions): InferenceClient {
  return new InferenceClient(options);
}
