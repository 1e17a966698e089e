/**
 * A tiny path router. Each concern (tasks, files, sessions, …) exports a list of
 * {@linkcode Route}s; the emulator concatenates them.
 *
 * @module
 */

import type { EmulatorState } from "../state.ts";

/** What a route handler gets for one request. */
export interface RouteContext {
  request: Request;
  url: URL;
  /** Decoded path parameters, e.g. `{ id: "2f6ntq0v8c9zkx4w1h3m5r7y9b" }` for `/tasks/:id`. */
  params: Record<string, string>;
  /** The raw request body. */
  bytes: Uint8Array;
  /** The request body decoded as UTF-8 (decoded when first read). */
  readonly text: string;
  state: EmulatorState;
}

/** One endpoint. */
export interface Route {
  method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  /** Path with `:name` segments, e.g. `/tasks/:id/stream`. */
  path: string;
  /** Whether the bearer key is required; `true` unless said otherwise. */
  auth?: boolean | undefined;
  handle(context: RouteContext): Response | Promise<Response>;
}

/** The outcome of matching a path. */
export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

/** Finds the route for `method` and `pathname`. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params === undefined) continue;
    if (route.method === method) return { kind: "found", route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: "method_not_allowed", allow } : { kind: "not_found" };
}

function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const have = pathname.split("/");
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w.startsWith(":")) {
      if (h === "") return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) {
      return undefined;
    }
  }
  return params;
}
