/**
 * The sessions resource. Filled in by the sessions work.
 *
 * @module
 */

import type { HttpClient } from "../http/core.ts";
import type { Tasks } from "../tasks/tasks.ts";

/**
 * Warm, stateful workers across task calls. Reach it as `client.sessions`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * const client = inference({ apiKey: "inf_..." });
 * console.log(typeof client.sessions);
 * ```
 */
export class Sessions {
  readonly #http: HttpClient;
  readonly #tasks: Tasks;

  /** Created by the client; use `client.sessions`. */
  constructor(http: HttpClient, tasks: Tasks) {
    this.#http = http;
    this.#tasks = tasks;
    void this.#http;
    void this.#tasks;
  }
}
