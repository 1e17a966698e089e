/**
 * The emulator: a web-standard request handler over in-memory state, and an
 * in-process `fetch` that calls it.
 *
 * @module
 */

import { agentRoutes } from "./agents/routes.ts";
import { appRoutes } from "./apps/routes.ts";
import { listRoutes } from "./lists/routes.ts";
import { ChatStore } from "./agents/chat_store.ts";
import { type AppDefinition, defineApp } from "./apps/app.ts";
import { AppRegistry, BUILT_IN_APPS } from "./apps/registry.ts";
import { type Clock, systemClock } from "./clock.ts";
import { controlRoutes } from "./control/routes.ts";
import { type EmulatorFaults, type EmulatorNotice, FaultQueue } from "./faults.ts";
import { FileStore } from "./files/file_store.ts";
import { fileRoutes } from "./files/routes.ts";
import { preflight, withCors } from "./http/cors.ts";
import { problem } from "./http/responses.ts";
import { RateLimits } from "./http/rate_limits.ts";
import { matchRoute, type Route, type RouteContext } from "./http/router.ts";
import { Ids } from "./ids.ts";
import { createInProcessFetch } from "./in_process_fetch.ts";
import type { EmulatorState } from "./state.ts";
import type { LineStream } from "./streams/line_stream.ts";
import { timestamp } from "./state.ts";
import type { Task } from "../tasks/types.ts";
import { runRoutes } from "./tasks/run_route.ts";
import { taskRoutes } from "./tasks/routes.ts";
import { sessionRoutes } from "./sessions/routes.ts";
import { SessionStore } from "./sessions/session_store.ts";
import type { TaskFraming } from "./tasks/task_framing.ts";
import { TaskStore } from "./tasks/task_store.ts";
import { Timers } from "./timers.ts";
import { Outbound } from "./webhooks/outbound.ts";

/** Every route group; add a concern by adding its list here. */
const ROUTES: readonly Route[] = [
  ...runRoutes,
  ...taskRoutes,
  ...fileRoutes,
  ...sessionRoutes,
  ...agentRoutes,
  ...controlRoutes,
  ...appRoutes,
  ...listRoutes,
];

/**
 * Settings of {@linkcode createEmulator}.
 *
 * @example A fast emulator for tests
 * ```ts
 * import { createEmulator, type EmulatorOptions } from "@inferencesh/sdk/testing";
 *
 * const options: EmulatorOptions = { apiKey: "inf_test", stepMs: 1, heartbeatMs: 50 };
 * const emulator = createEmulator(options);
 * emulator.close();
 * ```
 */
export interface EmulatorOptions {
  /**
   * The only bearer key accepted. When left out, any non-empty key is. A missing
   * or different key gets a 401 problem.
   */
  apiKey?: string | undefined;
  /**
   * Source of timestamps (RFC 3339) and, later, session expiry.
   *
   * @default {Date.now}
   */
  clock?: Clock | undefined;
  /**
   * Period of stream heartbeats in milliseconds; 0 sends none.
   *
   * @default {10000}
   */
  heartbeatMs?: number | undefined;
  /**
   * Real-time pause between an app's life-cycle steps and between deltas, in
   * milliseconds. Tests pass 0 to 5.
   *
   * @default {40}
   */
  stepMs?: number | undefined;
  /**
   * How task updates are framed on streams: `{"data", "fields"}` partial
   * wrappers, bare TaskDTOs, or `{"data"}` wrappers of the full task.
   *
   * @default {"partial"}
   */
  framing?: "partial" | "bare" | "wrapped" | undefined;
  /**
   * Seed of the id sequence. Ids are shaped like the live API's (26 lowercase
   * base32 characters, docs/protocol.md §2.1) and come from a seeded generator:
   * the same seed gives the same ids, so tests reproduce. Give two emulators
   * that must not share ids different seeds.
   *
   * @default {0x1d2c3b4a}
   */
  seed?: number | undefined;
  /**
   * Apps of your own, next to the built-in ones (same name: yours wins), so code
   * under test can run the app names it uses in production.
   */
  apps?: readonly AppDefinition[] | undefined;
  /**
   * Whether `GET /chats/{id}` carries the chat's messages (`chat_messages`).
   * Pass `false` to answer like the real API, which may leave them out: clients
   * then list them with `GET /chats/{id}/messages?limit=&cursor=` (always
   * served, newest page first).
   *
   * @default {true}
   */
  chatMessagesInChat?: boolean | undefined;
  /**
   * Where the emulator sends its own requests: the task webhook POSTed when a
   * task with a `webhook` ends (its body is the task as `GET /tasks/{id}`
   * answers it) and the calls of webhook tools during a turn. Without it, they
   * go through the global `fetch` to loopback URLs only, and other URLs are
   * skipped.
   */
  webhookFetch?:
    | ((input: string | URL | Request, init?: RequestInit) => Promise<Response>)
    | undefined;
  /**
   * Values of the secrets that webhook tools name (`webhookTool(…).secret(name)`):
   * their calls carry `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body>`.
   * A call naming a secret that is not here fails.
   */
  secrets?: Readonly<Record<string, string>> | undefined;
}

/**
 * One request the emulator received.
 *
 * @example Assert what a client sent
 * ```ts
 * import { createEmulator, type RecordedRequest } from "@inferencesh/sdk/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const emulator = createEmulator();
 * await emulator.fetch("https://api.inference.sh/tasks/2f6ntq0v8c9zkx4w1h3m5r7y9b", {
 *   headers: { authorization: "Bearer k" },
 * }).then((response) => response.body?.cancel());
 * const [first]: RecordedRequest[] = emulator.requests;
 * strictEqual(first?.path, "/tasks/2f6ntq0v8c9zkx4w1h3m5r7y9b");
 * strictEqual(first?.headers["authorization"], "Bearer k");
 * emulator.close();
 * ```
 */
export interface RecordedRequest {
  /** Upper-case method, e.g. `"POST"`. */
  method: string;
  /** Pathname plus search, e.g. `"/tasks/2f6ntq0v8c9zkx4w1h3m5r7y9b/stream"`. */
  path: string;
  /** Headers with lower-case names. */
  headers: Record<string, string>;
  /** The body as UTF-8 text (`""` when there was none). */
  body: string;
}

/**
 * A local emulator of the inference.sh API, behaving as docs/protocol.md §11
 * describes.
 *
 * @example Run a task in-process
 * ```ts
 * import { createEmulator } from "@inferencesh/sdk/testing";
 * import { strictEqual } from "node:assert/strict";
 *
 * const emulator = createEmulator({ stepMs: 0 });
 * const created = await emulator.fetch("https://api.inference.sh/apps/run", {
 *   method: "POST",
 *   headers: { authorization: "Bearer k", "content-type": "application/json" },
 *   body: JSON.stringify({ app: "infsh/echo", input: { text: "hi" } }),
 * });
 * const { data } = await created.json();
 * const stream = await emulator.fetch(`https://api.inference.sh/tasks/${data.id}/stream`, {
 *   headers: { authorization: "Bearer k" },
 * });
 * const lines = (await stream.text()).trim().split("\n").map((line) => JSON.parse(line));
 * strictEqual(lines.at(-1).data.status, 10);
 * strictEqual(emulator.task(data.id)?.status, 10);
 * emulator.close();
 * ```
 */
export interface Emulator {
  /**
   * A `fetch` served in-process, with no socket; any host works. Honours
   * `init.signal` like real `fetch`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** The web-standard handler, for `Deno.serve`, `Bun.serve` or a Worker's `fetch`. */
  handler(request: Request): Promise<Response>;
  /** Every request received, in order: API, `/__emulator/` and `/__files/` routes and preflights alike. */
  readonly requests: RecordedRequest[];
  /** Fault injection. */
  readonly faults: EmulatorFaults;
  /** A snapshot of task `id`, or `undefined` if there is none. */
  task(id: string): Task | undefined;
  /** Stops and forgets every task, file, recorded request and fault; the id sequence starts again. */
  reset(): void;
  /**
   * Stops every timer and ends every open stream, so nothing keeps the process
   * alive. Later requests get a 503 problem.
   */
  close(): void;
}

function checkMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`Cannot use ${name} ${value}: expected a finite number >= 0`);
  }
  return value;
}

const FRAMINGS: readonly TaskFraming[] = ["partial", "bare", "wrapped"];

function authorize(request: Request, apiKey: string | undefined): Response | undefined {
  const header = request.headers.get("authorization") ?? "";
  const match = /^bearer\s+(.*)$/i.exec(header.trim());
  const token = match?.[1]?.trim() ?? "";
  let detail: string | undefined;
  if (token === "") detail = "missing bearer token: send Authorization: Bearer <api key>";
  else if (apiKey !== undefined && apiKey !== "" && token !== apiKey) detail = "invalid API key";
  if (detail === undefined) return undefined;
  return problem({
    status: 401,
    detail,
    headers: { "www-authenticate": `Bearer realm="inference.sh"` },
  });
}

/** `response` with `notices` added to its envelope's `messages` (JSON successes only). */
async function withNotices(response: Response, notices: EmulatorNotice[]): Promise<Response> {
  if (notices.length === 0) return response;
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !type.startsWith("application/json")) return response;
  const body = await response.json();
  body.messages = [...(Array.isArray(body.messages) ? body.messages : []), ...notices];
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(body), { status: response.status, headers });
}

const emulatorStates = new WeakMap<Emulator, EmulatorState>();

/** The internal state behind `emulator` (for the emulator's own tests). */
export function emulatorState(emulator: Emulator): EmulatorState | undefined {
  return emulatorStates.get(emulator);
}

/**
 * Creates an emulator with the built-in apps `infsh/echo`, `infsh/text-stream`,
 * `infsh/sleep`, `infsh/fail`, `infsh/image` and `infsh/needs-secret`.
 *
 * @example Serve it on a port
 * ```ts ignore
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * Deno.serve({ port: 8787, hostname: "127.0.0.1" }, emulator.handler);
 * ```
 *
 * @param options Key, clock, timings and stream framing.
 * @returns The emulator; call `close()` when done.
 * @throws {RangeError} When `stepMs` or `heartbeatMs` is negative or not finite, or `seed` is not an integer.
 * @throws {TypeError} When `framing` is not one of the three framings.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const framing = options.framing ?? "partial";
  if (!FRAMINGS.includes(framing)) {
    throw new TypeError(`Cannot use framing "${framing}": expected "partial", "bare" or "wrapped"`);
  }
  const clock = options.clock ?? systemClock;
  const timers = new Timers();
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new RangeError(`Cannot seed the ids with ${options.seed}: expected an integer`);
  }
  const ids = new Ids(options.seed);
  const faults = new FaultQueue();
  const limits = new RateLimits(clock);
  const streams = new Set<LineStream>();
  const requests: RecordedRequest[] = [];
  const tasks = new TaskStore(() => timestamp(clock), ids);
  const files = new FileStore(ids);
  const sessions = new SessionStore(clock, ids);
  const chats = new ChatStore(clock, ids, options.chatMessagesInChat !== false);
  const outbound = new Outbound(options.webhookFetch, options.secrets);
  tasks.onEnd = (task) => outbound.taskEnded(task);
  let closed = false;

  const endStreams = (): void => {
    for (const stream of [...streams]) stream.end();
    streams.clear();
  };

  const reset = (): void => {
    tasks.clear();
    chats.clear();
    sessions.clear();
    endStreams();
    timers.clearAll();
    files.clear();
    ids.reset();
    faults.clear();
    limits.clear();
    requests.length = 0;
    outbound.close();
    outbound.records.length = 0;
  };

  const state: EmulatorState = {
    apiKey: options.apiKey,
    clock,
    heartbeatMs: checkMs("heartbeatMs", options.heartbeatMs, 10_000),
    stepMs: checkMs("stepMs", options.stepMs, 40),
    framing,
    timers,
    ids,
    faults,
    apps: new AppRegistry([...BUILT_IN_APPS, ...(options.apps ?? []).map(defineApp)]),
    tasks,
    files,
    sessions,
    chats,
    streams,
    reset,
    requests,
    outbound,
  };

  const respond = async (
    request: Request,
    url: URL,
    bytes: Uint8Array,
    text: () => string,
  ): Promise<Response> => {
    const method = request.method.toUpperCase();
    if (closed) {
      return problem({ status: 503, detail: "the emulator was closed" });
    }
    if (method === "OPTIONS") return preflight(request);
    const internal = url.pathname.startsWith("/__");
    if (!url.pathname.startsWith("/__emulator/")) {
      const failure = faults.takeFailure(method, url.pathname);
      if (failure) {
        const headers: Record<string, string> = {};
        if (failure.retryAfter !== undefined) headers["retry-after"] = failure.retryAfter;
        if (failure.resetAfter !== undefined) {
          headers["x-ratelimit-remaining"] = "0";
          headers["x-ratelimit-reset"] = String(Math.ceil(clock.now() / 1000) + failure.resetAfter);
        }
        return problem({
          status: failure.status,
          detail: failure.resetAfter === undefined
            ? `injected failure (${failure.status}) for ${method} ${url.pathname}`
            : `rate limit exceeded for ${method} ${url.pathname}`,
          headers,
        });
      }
    }
    const match = matchRoute(ROUTES, method, url.pathname);
    const needsAuth = match.kind === "found" ? match.route.auth !== false : !internal;
    if (needsAuth) {
      const denied = authorize(request, state.apiKey);
      if (denied) return denied;
    }
    if (match.kind === "not_found") {
      return problem({ status: 404, detail: `no route for ${method} ${url.pathname}` });
    }
    if (match.kind === "method_not_allowed") {
      return problem({
        status: 405,
        detail: `${method} is not allowed on ${url.pathname}`,
        headers: { allow: match.allow.join(", ") },
      });
    }
    try {
      const context = { request, url, params: match.params, bytes, state } as RouteContext;
      Object.defineProperty(context, "text", { get: text, enumerable: true });
      let response = await match.route.handle(context);
      if (!internal) {
        response = await withNotices(response, faults.takeNotices(method, url.pathname));
      }
      if (!internal) {
        for (const [name, value] of Object.entries(limits.count(method, url.pathname))) {
          response.headers.set(name, value);
        }
      }
      return response;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return problem({ status: 500, detail: `emulator error: ${detail}` });
    }
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    let bytes = new Uint8Array(0);
    try {
      bytes = new Uint8Array(await request.arrayBuffer());
    } catch {
      // The client stopped sending; handle what we have (nothing).
    }
    // Decoded only when read: an upload's bytes never become a (huge) string.
    let text: string | undefined;
    const decoded = (): string => text ??= new TextDecoder().decode(bytes);
    const recorded = {
      method: request.method.toUpperCase(),
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
    } as RecordedRequest;
    Object.defineProperty(recorded, "body", { get: decoded, enumerable: true });
    requests.push(recorded);
    return withCors(await respond(request, url, bytes, decoded));
  };

  const emulator: Emulator = {
    fetch: createInProcessFetch(handler, faults),
    handler,
    requests,
    faults,
    task: (id) => {
      const record = tasks.get(id);
      return record ? structuredClone(record.task) : undefined;
    },
    reset,
    close: () => {
      closed = true;
      tasks.abortAll();
      chats.clear();
      endStreams();
      timers.clearAll();
      outbound.close();
    },
  };
  emulatorStates.set(emulator, state);
  return emulator;
}
