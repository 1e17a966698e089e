/**
 * `client.request()`: any endpoint of the API through the SDK's own transport,
 * for the calls the SDK does not wrap (flows, engines, knowledge, secrets…).
 *
 * @module
 */

import type { HttpClient, RequestOptions } from "../http/core.ts";

/**
 * Options of `client.request()`.
 *
 * @example
 * ```ts
 * import type { ApiRequestOptions } from "@inferencesh/sdk/types";
 * const options: ApiRequestOptions = {
 *   body: { limit: 10 },
 *   query: { include_private: true },
 *   signal: AbortSignal.timeout(5_000),
 * };
 * ```
 */
export interface ApiRequestOptions extends RequestOptions {
  /** The JSON body; none when `undefined`. */
  body?: unknown;
  /**
   * Query parameters: `null` and `undefined` values are left out, objects and
   * arrays are sent as JSON, anything else as its string.
   */
  query?: Record<string, unknown> | undefined;
  /**
   * Whether the call may be repeated safely, so that timeouts, connection
   * failures and 5xx answers are retried.
   * @default {true for GET, PUT and DELETE; false for POST (only 429 and 503 are retried)}
   */
  idempotent?: boolean | undefined;
}

/**
 * The HTTP methods `client.request()` sends.
 *
 * @example
 * ```ts
 * import type { ApiMethod } from "@inferencesh/sdk/types";
 * const method: ApiMethod = "POST";
 * ```
 */
export type ApiMethod = "GET" | "POST" | "PUT" | "DELETE";

const METHODS: readonly string[] = ["GET", "POST", "PUT", "DELETE"];

/** Sends one API call for `client.request()` (internal). */
export async function apiRequest<T>(
  http: HttpClient,
  method: ApiMethod,
  path: string,
  options: ApiRequestOptions = {},
): Promise<T> {
  if (typeof method !== "string" || !METHODS.includes(method.toUpperCase())) {
    throw new TypeError(
      `Cannot send request: 'method' must be one of ${METHODS.join(", ")}: got ${String(method)}`,
    );
  }
  const verb = method.toUpperCase() as ApiMethod;
  // Only paths: a full URL (or a protocol-relative one) would send the key to another host.
  if (typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) {
    throw new TypeError(
      `Cannot send request: 'path' must be a path of the API starting with "/", like "/flows/list": got ${
        String(path)
      }`,
    );
  }
  if (/[?#]/.test(path) && options.query !== undefined) {
    throw new TypeError("Cannot send request: give the query either in 'path' or in 'query'");
  }
  const { body, query, idempotent, ...transport } = options;
  const search = queryString(query);
  return await http.json<T>({
    method: verb,
    path: search === "" ? path : `${path}?${search}`,
    body,
    action: `${verb} ${path}`,
    retry: (idempotent ?? verb !== "POST") ? "idempotent" : "create",
    ...transport,
  });
}

/** Encodes `query` as the API reads it (docs/protocol.md §1.1). */
function queryString(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return "";
  if (typeof query !== "object" || query === null || Array.isArray(query)) {
    throw new TypeError("Cannot send request: 'query' must be an object");
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    search.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return search.toString();
}
