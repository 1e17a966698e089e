/**
 * The client: one configured connection to the API, with a property per resource.
 *
 * @module
 */

import { Agents } from "./agents/agents.ts";
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

  /** Checks `options` and creates the client; prefer {@linkcode inference}. */
  constructor(options: ClientOptions) {
    const http = new HttpClient(resolveConfig(options));
    this.files = new Files(http);
    const files = this.files;
    this.tasks = new Tasks(http, (input, settings) => uploadInputFiles(files, input, settings));
    this.sessions = new Sessions(http, this.tasks);
    this.agents = new Agents(http, this.files);
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
