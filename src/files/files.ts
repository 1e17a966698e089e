/**
 * The files resource. Filled in by the files work.
 *
 * @module
 */

import type { HttpClient } from "../http/core.ts";

/**
 * Uploads files. Reach it as `client.files`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * const client = inference({ apiKey: "inf_..." });
 * console.log(typeof client.files);
 * ```
 */
export class Files {
  readonly #http: HttpClient;

  /** Created by the client; use `client.files`. */
  constructor(http: HttpClient) {
    this.#http = http;
    void this.#http;
  }
}
