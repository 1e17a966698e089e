/**
 * The agents resource. Filled in by the agents work.
 *
 * @module
 */

import type { Files } from "../files/files.ts";
import type { HttpClient } from "../http/core.ts";

/**
 * Chat with hosted agents. Reach it as `client.agents`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * const client = inference({ apiKey: "inf_..." });
 * console.log(typeof client.agents);
 * ```
 */
export class Agents {
  readonly #http: HttpClient;
  readonly #files: Files;

  /** Created by the client; use `client.agents`. */
  constructor(http: HttpClient, files: Files) {
    this.#http = http;
    this.#files = files;
    void this.#http;
    void this.#files;
  }
}
