/**
 * Cursor-paginated lists (`POST /<resource>/list`, docs/protocol.md §9), as async
 * iterables that follow the cursor, with a way to take one page.
 *
 * @module
 */

import { InferenceError } from "../errors.ts";
import type { HttpClient, RequestOptions } from "../http/core.ts";

/**
 * What to list: the API's `CursorListRequest`. Every field is optional; any
 * other field is sent as is.
 *
 * @example
 * ```ts
 * import type { ListParams } from "@inferencesh/sdk/types";
 * const params: ListParams = {
 *   limit: 50,
 *   filters: [{ field: "status", operator: "eq", value: 10 }],
 *   sort: [{ field: "created_at", dir: "desc" }],
 * };
 * ```
 */
export interface ListParams {
  /** Items per page (the API's default is 20). */
  limit?: number | undefined;
  /** Where to start: a page's `next_cursor`; empty or absent for the first page. */
  cursor?: string | undefined;
  /** Conditions every item must meet. */
  filters?:
    | {
      /** The field, e.g. `"status"`. */
      field: string;
      /** `eq`, `neq`, `in`, `not_in`, `gt`, `gte`, `lt`, `lte`, `like`, `ilike`, `contains`, … */
      operator: string;
      /** The value compared with. */
      value?: unknown;
    }[]
    | undefined;
  /** Order of the items. */
  sort?: { field: string; dir: "asc" | "desc" }[] | undefined;
  /** Full-text search. */
  search?: { term: string; exact?: boolean | undefined } | undefined;
  /** Any other field of `CursorListRequest`. */
  [field: string]: unknown;
}

/**
 * One page of a list, as the API sends it (`CursorListResponse`).
 *
 * @typeParam Item The type of the items.
 *
 * @example
 * ```ts
 * import type { Task } from "@inferencesh/sdk";
 * import type { ListPage } from "@inferencesh/sdk/types";
 * function more(page: ListPage<Task>): string | undefined {
 *   return page.has_next ? page.next_cursor : undefined;
 * }
 * ```
 */
export interface ListPage<Item> {
  /** The items of this page. */
  items: Item[];
  /** The cursor of the next page (`""` on the last page). */
  "next_cursor": string;
  /** Whether there is a next page. */
  "has_next": boolean;
  /** The cursor of the previous page, when the API sends one. */
  "prev_cursor"?: string | undefined;
  /** Whether there is a previous page. */
  "has_previous"?: boolean | undefined;
  /** The page size used. */
  "items_per_page"?: number | undefined;
  /** How many items match in all, when the API says. */
  "total_items"?: number | undefined;
}

/**
 * A list of items on the API: iterate it with `for await` to get every item
 * (pages are fetched as needed, following the cursor), or take one page with
 * {@linkcode CursorList.page}. Nothing is sent until you do; each iteration
 * starts again from the first page. Every page is one request with the
 * client's retries, deadline and typed errors.
 *
 * @typeParam Item The type of the items.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * for (let i = 0; i < 3; i++) await client.tasks.run({ app: "infsh/echo", input: { i } });
 * for await (const task of client.tasks.list({ limit: 2 })) console.log(task.id, task.status);
 * const first = await client.tasks.list({ limit: 2 }).page();
 * console.log(first.items.length, first.has_next); // 2 true
 * emulator.close();
 * ```
 */
export class CursorList<Item> implements AsyncIterable<Item> {
  readonly #fetchPage: (params: ListParams, options: RequestOptions) => Promise<ListPage<Item>>;
  readonly #params: ListParams;
  readonly #options: RequestOptions;

  /**
   * Created by the resources; use e.g. `client.tasks.list()`.
   *
   * @ignore
   */
  constructor(
    fetchPage: (params: ListParams, options: RequestOptions) => Promise<ListPage<Item>>,
    params: ListParams,
    options: RequestOptions,
  ) {
    this.#fetchPage = fetchPage;
    this.#params = params;
    this.#options = options;
  }

  /**
   * Fetches one page: the first, or the one at `cursor` (a page's `next_cursor`).
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * const page = await client.files.list({ limit: 10 }).page();
   * console.log(page.items.length, page.has_next); // 0 false
   * emulator.close();
   * ```
   */
  async page(cursor?: string): Promise<ListPage<Item>> {
    const params = cursor === undefined ? this.#params : { ...this.#params, cursor };
    return await this.#fetchPage(params, this.#options);
  }

  /**
   * Every page, in order, following the cursor until the last.
   *
   * @example
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * const emulator = createEmulator();
   * const client = inference({ apiKey: "test", fetch: emulator.fetch });
   * for await (const page of client.tasks.list({ limit: 50 }).pages()) console.log(page.items.length);
   * emulator.close();
   * ```
   *
   * @throws {InferenceError} When the API sends the same cursor twice (the list would never end).
   */
  async *pages(): AsyncGenerator<ListPage<Item>, void, undefined> {
    const seen = new Set<string>();
    let cursor = this.#params.cursor;
    for (;;) {
      const page = await this.page(cursor);
      yield page;
      const next = page.next_cursor;
      if (!page.has_next || typeof next !== "string" || next === "") return;
      if (seen.has(next)) {
        throw new InferenceError(
          `Cannot list further: the API sent the cursor "${next}" twice, so the list would never end`,
        );
      }
      seen.add(next);
      cursor = next;
    }
  }

  /** Every item of every page, fetching pages as the loop needs them. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }
}

/** A page reader for `POST {path}` on `http` (internal). */
export function listPages<Item>(
  http: HttpClient,
  path: string,
  what: string,
): (params: ListParams, options: RequestOptions) => Promise<ListPage<Item>> {
  return async (params, options) => {
    const page = await http.json<Partial<ListPage<Item>> | null | undefined>({
      method: "POST",
      path,
      body: params,
      action: `list ${what}`,
      // Listing changes nothing: safe to retry like a read.
      retry: "idempotent",
      ...options,
    });
    if (typeof page !== "object" || page === null || !Array.isArray(page.items)) {
      throw new InferenceError(
        `Cannot list ${what}: the API answered without an items array`,
      );
    }
    return {
      ...page,
      items: page.items,
      "next_cursor": typeof page.next_cursor === "string" ? page.next_cursor : "",
      "has_next": page.has_next === true,
    };
  };
}

/** Checks list params before anything is sent (internal). */
export function checkListParams(params: ListParams, what: string): ListParams {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(`Cannot list ${what}: 'params' must be an object like { limit: 50 }`);
  }
  const { limit } = params;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(
      `Cannot list ${what}: 'limit' must be a whole number >= 1: got ${String(limit)}`,
    );
  }
  return { ...params };
}
