/**
 * The apps resource: read an app's schemas, functions, variants and secrets.
 *
 * @module
 */

import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import { checkListParams, CursorList, listPages, type ListParams } from "../lists/cursor_list.ts";
import type { App } from "./types.ts";

/**
 * Reads apps. Reach it as `client.apps`.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * const app = await client.apps.get("infsh/image");
 * console.log(Object.keys(app.version?.input_schema?.["properties"] ?? {}));
 * emulator.close();
 * ```
 */
export class Apps {
  readonly #http: HttpClient;

  /**
   * Created by the client; use `client.apps`.
   *
   * @ignore
   */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Lists the apps you can run (the API's store and your own): iterate it to get
   * every app (pages are fetched as needed), or take one page with `.page()`.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * for await (const app of client.apps.list({ limit: 50 })) console.log(`${app.namespace}/${app.name}`);
   * emulator.close();
   * ```
   *
   * @throws {RangeError} When `limit` is not a whole number >= 1.
   */
  list(params: ListParams = {}, options: RequestOptions = {}): CursorList<App> {
    return new CursorList(
      listPages<App>(this.#http, "/apps/list", "apps"),
      checkListParams(params, "apps"),
      options,
    );
  }

  /**
   * Reads an app with its current version: input and output JSON Schemas,
   * functions, variants, required secrets.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const app = await client.apps.get("infsh/needs-secret");
   * console.log(app.version?.required_secrets?.map((s) => s.key)); // ["OPENAI_API_KEY"]
   * emulator.close();
   * ```
   *
   * @param ref `namespace/name`, optionally `@version`, or an app id.
   * @throws {NotFoundError} When there is no such app.
   */
  async get(ref: string, options: RequestOptions = {}): Promise<App> {
    if (typeof ref !== "string" || ref.trim() === "") {
      throw new TypeError(
        `Cannot get app: 'ref' must be "namespace/name" or an app id: got ${String(ref)}`,
      );
    }
    const parts = ref.split("/");
    if (parts.length > 2 || parts.some((part) => part === "")) {
      throw new TypeError(
        `Cannot get app: 'ref' must be "namespace/name" or an app id: got ${JSON.stringify(ref)}`,
      );
    }
    // Each part is one segment; "@" is kept readable (`ns/name@version`).
    const path = parts.map((part) => segment(part, "ref").replaceAll("%40", "@")).join("/");
    return await this.#http.json<App>({
      method: "GET",
      path: `/apps/${path}`,
      action: `get app "${ref}"`,
      retry: "idempotent",
      expect: "object-with-id",
      ...options,
    });
  }
}
