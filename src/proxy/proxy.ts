/**
 * The server-side proxy: a web-standard `(Request) => Promise<Response>` that
 * checks a browser's request against the policy (./policy.ts), adds the API
 * key and relays it to the API, so a browser app never holds the key.
 *
 * @module
 */

import { environmentKey, type FetchLike } from "../http/config.ts";
import { VERSION } from "../version.ts";
import { checkRequest, checkRoute, compilePatterns, type Policy, type Refusal } from "./policy.ts";
import { Redactor } from "../http/redact.ts";

/** The public API, whose URLs the official client always puts in `x-inf-target-url`. */
const PUBLIC_API = "https://api.inference.sh";

/** Request headers relayed to the API besides `x-inf-*` ones and `forwardHeaders`. */
const FORWARDED = new Set([
  "accept",
  "content-type",
  "idempotency-key",
  "last-event-id",
  "x-api-version",
  "x-client-source",
]);

/** Response headers not copied back: the runtime recomputes them or they belong to one hop. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "content-encoding",
  "content-length",
  "keep-alive",
  "set-cookie",
  "transfer-encoding",
]);

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** How long the API has to answer (with its headers) before the proxy gives up, by default. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Settings of {@linkcode createProxy}. The names shared with the official
 * proxy (`apiKey`, `apiBaseUrl`, `allowedEndpoints`, `exactRefs`,
 * `maxUploadBytes`, `isAuthenticated`, `allowUnauthorizedRequests`) mean the
 * same, so a configuration carries over.
 *
 * @example A Worker that keeps the key in its environment
 * ```ts
 * import { createProxy, type ProxyOptions } from "@inferencesh/sdk/proxy";
 *
 * const options: ProxyOptions = {
 *   apiKey: "inf_...",
 *   allowedEndpoints: ["my-team/*"],
 *   isAuthenticated: (request) => request.headers.get("x-app-session") !== null,
 * };
 * const proxy = createProxy(options);
 * ```
 */
export interface ProxyOptions {
  /**
   * The API key the proxy adds as `Authorization: Bearer <key>`, or a function
   * that returns it for a request (read from a Worker's `env`, a secret store…).
   * Without it, the `INFERENCE_API_KEY` environment variable is read on each
   * request (Node, Deno with `--allow-env`, Bun).
   */
  apiKey?: string | ((request: Request) => string | Promise<string>) | undefined;
  /**
   * Where the API lives; the proxy relays to this origin only. Targets on the
   * public API (`https://api.inference.sh`, what the official client sends) are
   * mapped onto it, so one browser build works against staging or an emulator.
   * @default {"https://api.inference.sh"}
   */
  apiBaseUrl?: string | undefined;
  /**
   * The apps and agents visitors may run or chat with, as `namespace/name`
   * patterns: `"ana/helper"`, `"ana/*"` (every app and agent of `ana`), or
   * `"ana/helper@v2"` to pin a version. Unset: every app and agent the key can
   * run. Checked where a request names one (a run, a message, a new chat, a
   * chat handed over, an agent read by name); runs by `app_id`/`version_id` and
   * ad-hoc `agent_config`s are then refused. Calls on an existing task or chat
   * name it by id and are allowed to whoever holds the id.
   */
  allowedEndpoints?: readonly string[] | undefined;
  /**
   * Whether each `allowedEndpoints` entry is a whole ref that requests must
   * name exactly, version included: with `["ana/helper@v2"]` only
   * `ana/helper@v2` may be used, not `ana/helper` nor `ana/helper@v3`.
   * Entries may then not hold `*`.
   * @default {false}
   */
  exactRefs?: boolean | undefined;
  /**
   * Largest file, in bytes, a visitor may create with `POST /files` (its
   * declared `size`; the bytes go straight to storage). Larger ones get a 413.
   * @default {104857600}
   */
  maxUploadBytes?: number | undefined;
  /**
   * Origins (`"https://app.example"`) besides the proxy's own that may send it
   * requests other than GET, checked against `Origin` and `Sec-Fetch-Site`, so
   * another site cannot make its visitors' browsers run apps on your key.
   * Requests with neither header (servers, CLIs) are not browsers and pass.
   * The proxy answers these origins' CORS preflights and marks its answers to
   * them readable, with credentials (cookies for `authorize`); `["*"]` turns
   * the check off and lets any origin read answers, without credentials.
   * @default {[] (same-origin only)}
   */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * Decides whether a request may use the proxy, before anything is relayed:
   * `true` lets it through, `false` answers 401, and a `Response` is answered
   * as it is (e.g. your own 403 or a redirect to a login page).
   */
  authorize?:
    | ((request: Request) => boolean | Response | Promise<boolean | Response>)
    | undefined;
  /**
   * The official proxy's spelling of `authorize` (a boolean only): `false`
   * answers 401. When both are given, both must let the request through.
   */
  isAuthenticated?: ((request: Request) => boolean | Promise<boolean>) | undefined;
  /**
   * Without `authorize` or `isAuthenticated`, whether anyone may use the proxy.
   * `false` refuses every request until one of them is given.
   * @default {true}
   */
  allowUnauthorizedRequests?: boolean | undefined;
  /**
   * Names of extra request headers to relay to the API (case-insensitive), e.g.
   * `["x-team-id"]`. By default only `accept`, `content-type`,
   * `idempotency-key`, `last-event-id`, `x-api-version`, `x-client-source` and
   * `x-inf-*` are relayed: never `cookie` or `authorization` unless named here
   * (an incoming `authorization` then replaces the proxy's key).
   */
  forwardHeaders?: readonly string[] | undefined;
  /**
   * Largest request body relayed, in bytes; larger ones get a 413. Uploads go
   * straight to storage, so API request bodies are small JSON.
   * @default {10485760}
   */
  maxBodyBytes?: number | undefined;
  /**
   * How long the API has to answer with its headers, in milliseconds; then the
   * upstream request is cancelled and the browser gets a 504. A stream's body
   * is not limited, but is cancelled when the browser goes away.
   * @default {60000}
   */
  timeoutMs?: number | undefined;
  /**
   * The `fetch` used to reach the API.
   * @default {globalThis.fetch}
   */
  fetch?: FetchLike | undefined;
}

/**
 * A web-standard request handler: a Worker's `fetch`, `Deno.serve`'s and
 * `Bun.serve`'s handler, a Vercel Edge or Next.js route.
 *
 * @example
 * ```ts
 * import { createProxy, type ProxyHandler } from "@inferencesh/sdk/proxy";
 * const handler: ProxyHandler = createProxy({ apiKey: "inf_..." });
 * ```
 */
export type ProxyHandler = (request: Request) => Promise<Response>;

/**
 * Creates a proxy that lets browser apps call the inference.sh API without
 * holding the key. It speaks the official SDK's convention: the client sends
 * its request to the proxy with the API URL in the `x-inf-target-url` header
 * (or, on GET, for `EventSource`, the `__inf_target` query parameter), and the
 * proxy relays it with the server's key and streams the answer back unbuffered.
 *
 * It is a policy, not a pipe. It forwards only what a browser app needs
 * ({@linkcode PROXY_ENDPOINTS}: runs, their tasks, agent chats, one upload at a
 * time), for the apps and agents in `allowedEndpoints`, from its own origin
 * (and `allowedOrigins`), to `apiBaseUrl`; a visitor cannot set where a run
 * happens or whom it calls back. Everything else is an
 * `application/problem+json` refusal that says why and which option, if any,
 * would allow it. The key never reaches the browser: it is redacted from
 * every relayed body and header, in every spelling, and never logged.
 *
 * @example Deno
 * ```ts ignore
 * import { createProxy } from "@inferencesh/sdk/proxy";
 * Deno.serve(createProxy({ allowedEndpoints: ["my-team/*"] })); // key from INFERENCE_API_KEY
 * ```
 *
 * @example A Cloudflare Worker, with an authorization check
 * ```ts
 * import { createProxy } from "@inferencesh/sdk/proxy";
 *
 * // The Worker module's `export default`.
 * const worker = {
 *   fetch(request: Request, env: { INFERENCE_API_KEY: string }): Promise<Response> {
 *     return createProxy({
 *       apiKey: env.INFERENCE_API_KEY,
 *       authorize: (req) => req.headers.get("cookie")?.includes("session=") ?? false,
 *     })(request);
 *   },
 * };
 * console.log(typeof worker.fetch);
 * ```
 *
 * @example The browser side
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * const client = inference({ proxyUrl: "https://app.example.com/api/inference/proxy" });
 * ```
 *
 * @throws {TypeError} For options of the wrong kind, an empty `apiKey`, or an `allowedEndpoints` entry that is no `namespace/name` pattern.
 * @throws {RangeError} For a negative or fractional size limit or deadline.
 */
export function createProxy(options: ProxyOptions = {}): ProxyHandler {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot create proxy: options must be an object like { apiKey }");
  }
  const { apiKey, authorize, isAuthenticated } = options;
  if (
    typeof apiKey === "string"
      ? apiKey.trim() === ""
      : !["function", "undefined"].includes(typeof apiKey)
  ) {
    throw new TypeError(
      "Cannot create proxy: 'apiKey' is required (a string or a function), or set INFERENCE_API_KEY",
    );
  }
  if (typeof apiKey === "string") {
    checkKey(apiKey, (why) => new TypeError(`Cannot create proxy: 'apiKey' ${why}`));
  }
  for (const [name, hook] of [["authorize", authorize], ["isAuthenticated", isAuthenticated]]) {
    if (hook !== undefined && typeof hook !== "function") {
      throw new TypeError(`Cannot create proxy: '${name}' must be a function`);
    }
  }
  const base = parseBase(options.apiBaseUrl ?? PUBLIC_API);
  const extra = new Set((options.forwardHeaders ?? []).map((name) => name.toLowerCase()));
  const maxBodyBytes = limit("maxBodyBytes", options.maxBodyBytes, 10 * 1024 * 1024);
  const timeoutMs = limit("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const policy: Policy = {
    patterns: compilePatterns(options.allowedEndpoints, options.exactRefs === true),
    maxUploadBytes: limit("maxUploadBytes", options.maxUploadBytes, 100 * 1024 * 1024),
  };
  const origins = parseOrigins(options.allowedOrigins);
  const open = options.allowUnauthorizedRequests ?? true;
  const custom = options.fetch;
  const send: FetchLike = custom
    ? (input, init) => custom(input, init)
    : (input, init) => fetch(input, init);

  const handle = async (request: Request, secret: { key?: string }): Promise<Response> => {
    if (!METHODS.includes(request.method)) {
      return problem({
        status: 405,
        code: "method_not_allowed",
        detail: `Cannot proxy ${request.method} requests`,
      }, { allow: METHODS.join(", ") });
    }
    if (authorize) {
      const verdict = await authorize(request);
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return unauthorized("authorize");
    }
    if (isAuthenticated && (await isAuthenticated(request)) !== true) {
      return unauthorized("isAuthenticated");
    }
    if (!authorize && !isAuthenticated && !open) {
      return problem({
        status: 401,
        code: "unauthorized",
        detail:
          "This proxy sets allowUnauthorizedRequests: false without authorize or isAuthenticated, so it refuses every request",
        option: "authorize",
      });
    }
    const get = request.method === "GET";
    if (!get) {
      const refusal = checkOrigin(request, origins);
      if (refusal) return problem(refusal);
    }
    const header = request.headers.get("x-inf-target-url");
    const query = new URL(request.url).searchParams.get("__inf_target");
    const target = header ?? (get ? query : null);
    if (target === null || target === "") {
      return problem(
        !get && query !== null
          ? {
            status: 403,
            code: "target_not_allowed",
            detail:
              `The __inf_target query parameter is accepted on GET only (for EventSource): a ${request.method} must name its target in the x-inf-target-url header, which a cross-site form cannot send`,
          }
          : {
            status: 400,
            code: "missing_target",
            detail: "Missing the x-inf-target-url header or the __inf_target query parameter",
          },
      );
    }
    const upstream = upstreamUrl(base, target);
    if (upstream === undefined) {
      return problem({
        status: 400,
        code: "invalid_target",
        detail: "The target is not an absolute http(s) URL",
      });
    }
    if (upstream === null) {
      return problem({
        status: 403,
        code: "target_not_allowed",
        detail: `Cannot proxy to ${
          safeOrigin(target)
        }: this proxy only relays to ${base.origin}${base.prefix}`,
        option: "apiBaseUrl",
      });
    }
    const match = checkRoute(request.method, upstream.path);
    if ("status" in match) return problem(match);

    let body: Uint8Array<ArrayBuffer> | null | undefined = null;
    if (!get && request.body !== null) {
      body = await readBody(request, maxBodyBytes);
      if (body === undefined) {
        return problem({
          status: 413,
          code: "payload_too_large",
          detail: `Request bodies are limited to ${maxBodyBytes} bytes`,
          option: "maxBodyBytes",
        });
      }
    }
    const text = body === null ? undefined : new TextDecoder().decode(body);
    const refusal = checkRequest(match, text, policy);
    if (refusal) return problem(refusal);
    // A checked body goes on as the text that was checked (invalid UTF-8 included).
    if (match.checksBody && text !== undefined) body = new TextEncoder().encode(text);

    const key = await resolveKey(apiKey, request);
    if (typeof key !== "string") return problem(key);
    secret.key = key;
    const headers = new Headers();
    request.headers.forEach((value, name) => {
      if (
        FORWARDED.has(name) || extra.has(name) ||
        (name.startsWith("x-inf-") && name !== "x-inf-target-url")
      ) headers.set(name, value);
    });
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
    headers.set("x-inf-proxy", `@inferencesh/sdk-proxy/${VERSION}`);

    // Until the API answers, the upstream call ends when the browser goes away
    // (the request's signal) or when the API keeps it waiting too long. Then
    // the body carries it: a browser that goes away cancels the body.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException("The API did not answer in time", "TimeoutError")),
      timeoutMs,
    );
    const link = linkSignals([request.signal, deadline.signal]);
    let response: Response;
    try {
      response = await send(`${base.origin}${base.prefix}${match.path}${upstream.search}`, {
        method: request.method,
        headers,
        body,
        signal: link.signal,
        // A redirect would otherwise carry the key to wherever it points.
        redirect: "manual",
      });
    } catch (error) {
      if (deadline.signal.aborted) {
        return problem({
          status: 504,
          code: "gateway_timeout",
          detail: `The API did not answer within ${timeoutMs} ms`,
          option: "timeoutMs",
        });
      }
      const reason = error instanceof Error ? error.message : String(error);
      return problem({
        status: 502,
        code: "bad_gateway",
        detail: new Redactor(key).text(`Cannot reach the API: ${reason}`),
      });
    } finally {
      clearTimeout(timer);
      link.dispose();
    }
    if (
      response.type === "opaqueredirect" || response.status === 0 ||
      (response.status >= 300 && response.status < 400)
    ) {
      await response.body?.cancel().catch(() => {});
      return problem({
        status: 502,
        code: "bad_gateway",
        detail: "The API answered with a redirect, which is not relayed",
      });
    }
    const redactor = new Redactor(key);
    const out = new Headers();
    response.headers.forEach((value, name) => {
      if (!DROPPED_RESPONSE_HEADERS.has(name)) out.set(name, redactor.text(value));
    });
    const type = out.get("content-type") ?? "";
    if (type.includes("ndjson") || type.includes("event-stream")) {
      // Asks buffering reverse proxies (nginx and alike) to pass each line at once.
      out.set("x-accel-buffering", "no");
      out.set("cache-control", "no-cache");
    }
    // The body is passed on as it streams, redacted on the way: nothing is
    // buffered, and a browser that goes away cancels it, which cancels the
    // upstream body and closes its connection.
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    if (nullBody) await response.body?.cancel().catch(() => {});
    return new Response(
      nullBody || response.body === null ? null : response.body.pipeThrough(redactor.stream()),
      { status: response.status, statusText: response.statusText, headers: out },
    );
  };

  return async (request) => {
    const secret: { key?: string } = typeof apiKey === "string" ? { key: apiKey } : {};
    let response: Response;
    let cors: Record<string, string> | undefined;
    try {
      cors = corsHeaders(request, origins);
      if (
        request.method === "OPTIONS" && cors !== undefined &&
        request.headers.has("access-control-request-method")
      ) {
        return preflight(request, cors, extra);
      }
      response = await handle(request, secret);
    } catch (error) {
      // Never let an error reach the runtime, which would log it (a key included).
      const reason = error instanceof Error ? error.message : String(error);
      const detail = `The proxy failed: ${reason}`;
      response = problem({
        status: 500,
        code: "internal_error",
        detail: secret.key === undefined ? detail : new Redactor(secret.key).text(detail),
      });
    }
    if (cors === undefined) return response;
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(cors)) headers.set(name, value);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/**
 * The CORS headers of a request from another origin that `allowedOrigins`
 * lists (with credentials, so `authorize` may read its cookies), or that
 * `["*"]` lets in (without); `undefined` for every other request.
 */
function corsHeaders(request: Request, origins: Origins): Record<string, string> | undefined {
  const origin = request.headers.get("origin");
  if (origin === null || origin === new URL(request.url).origin) return undefined;
  if (origins.allowed.has(origin)) {
    return {
      "access-control-allow-origin": origin,
      "access-control-allow-credentials": "true",
      vary: "Origin",
    };
  }
  return origins.any ? { "access-control-allow-origin": "*" } : undefined;
}

/** The answer to a CORS preflight of an allowed origin: the methods and the headers the proxy relays. */
function preflight(
  request: Request,
  cors: Record<string, string>,
  extra: ReadonlySet<string>,
): Response {
  const asked = (request.headers.get("access-control-request-headers") ?? "")
    .split(",").map((name) => name.trim().toLowerCase()).filter((name) =>
      name !== "" &&
      (FORWARDED.has(name) || extra.has(name) || name.startsWith("x-inf-"))
    );
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": METHODS.join(", "),
      "access-control-allow-headers": asked.join(", "),
      "access-control-max-age": "600",
    },
  });
}

/** The 401 of an authorization hook that said no. */
function unauthorized(hook: string): Response {
  return problem({
    status: 401,
    code: "unauthorized",
    detail: `This request may not use the inference.sh proxy (${hook} refused it)`,
  });
}

/** The key for a request: the option, or `INFERENCE_API_KEY`; or the refusal when there is none. */
async function resolveKey(
  apiKey: ProxyOptions["apiKey"],
  request: Request,
): Promise<string | Refusal> {
  const key = typeof apiKey === "string"
    ? apiKey
    : typeof apiKey === "function"
    ? await apiKey(request)
    : environmentKey();
  if (typeof key !== "string" || key.trim() === "") {
    return {
      status: 500,
      code: "missing_api_key",
      detail:
        "The proxy has no API key: pass 'apiKey' or set INFERENCE_API_KEY (with Deno, allow reading it: --allow-env=INFERENCE_API_KEY)",
      option: "apiKey",
    };
  }
  const refusal = checkKey(key, (why) => ({
    status: 500,
    code: "invalid_api_key",
    detail: `The proxy's API key ${why}`,
  }));
  return refusal ?? key;
}

/**
 * Refuses a key that is not printable ASCII without spaces: a header cannot
 * carry it, and the runtime's error would quote it. The message never does.
 */
function checkKey<T>(key: string, fail: (why: string) => T): T | undefined {
  if (/[^\x21-\x7e]/.test(key)) {
    const error = fail(
      `contains whitespace, a control character or a non-ASCII character (at index ${
        key.search(/[^\x21-\x7e]/)
      }), which no HTTP header can carry`,
    );
    if (error instanceof Error) throw error;
    return error;
  }
  return undefined;
}

/**
 * Whether a non-GET request comes from the proxy's own origin or an allowed
 * one: by `Origin` when the browser sent it, else by `Sec-Fetch-Site`.
 */
function checkOrigin(request: Request, origins: Origins): Refusal | undefined {
  if (origins.any) return undefined;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin") return undefined;
  if (origin !== null) {
    if (origin === new URL(request.url).origin || origins.allowed.has(origin)) return undefined;
    return {
      status: 403,
      code: "origin_not_allowed",
      detail: `A ${request.method} from ${
        JSON.stringify(origin.slice(0, 100))
      } may not use this proxy: only its own origin may, unless allowedOrigins lists another`,
      option: "allowedOrigins",
    };
  }
  if (site !== null && site !== "none") {
    return {
      status: 403,
      code: "origin_not_allowed",
      detail:
        `A ${request.method} from another site (Sec-Fetch-Site: ${site}) may not use this proxy, and the browser named no Origin that allowedOrigins could list`,
      option: "allowedOrigins",
    };
  }
  return undefined;
}

interface Origins {
  any: boolean;
  allowed: Set<string>;
}

function parseOrigins(list: unknown): Origins {
  if (list === undefined) return { any: false, allowed: new Set() };
  if (!Array.isArray(list)) {
    throw new TypeError(`Cannot create proxy: 'allowedOrigins' must be an array of origins`);
  }
  const allowed = new Set<string>();
  let any = false;
  for (const entry of list) {
    if (entry === "*") {
      any = true;
      continue;
    }
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    if (
      typeof entry !== "string" || origin === undefined || origin === "null" ||
      origin !== entry.replace(/\/$/, "")
    ) {
      throw new TypeError(
        `Cannot create proxy: 'allowedOrigins' entry ${
          JSON.stringify(entry)
        } is not an origin like "https://app.example" (or "*")`,
      );
    }
    allowed.add(origin);
  }
  return { any, allowed };
}

/** A limit option: a whole number >= 0 (> 0 for a size limit of uploads), or its default. */
function limit(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const least = name === "maxUploadBytes" || name === "timeoutMs" ? 1 : 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < least) {
    throw new RangeError(
      `Cannot create proxy: '${name}' must be a whole number >= ${least}: got ${String(value)}`,
    );
  }
  return value;
}

/** Links abort signals without `AbortSignal.any` (missing in older runtimes). */
function linkSignals(signals: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (signal: AbortSignal) => () => controller.abort(signal.reason);
  const listeners = signals.map((signal) => {
    const listener = abort(signal);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", listener, { once: true });
    return [signal, listener] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [signal, listener] of listeners) signal.removeEventListener("abort", listener);
    },
  };
}

interface Base {
  origin: string;
  /** Path prefix without the trailing slash, `""` for none. */
  prefix: string;
}

function parseBase(apiBaseUrl: string): Base {
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    throw new TypeError(`Cannot create proxy: 'apiBaseUrl' is not a URL: "${apiBaseUrl}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`Cannot create proxy: 'apiBaseUrl' must be http(s): "${apiBaseUrl}"`);
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") };
}

/**
 * Where a target goes: its path below `apiBaseUrl` (still percent-encoded)
 * and its query; `undefined` when the target is not a URL, `null` when it is
 * not on the API. Origins are compared parsed, so `https://api.inference.sh.evil`,
 * `https://api.inference.sh@evil` or `//evil` never match.
 */
function upstreamUrl(
  base: Base,
  target: string,
): { path: string; search: string } | undefined | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username !== "" || url.password !== "") return null;
  if (url.origin === base.origin) {
    if (base.prefix === "") return { path: url.pathname, search: url.search };
    if (!url.pathname.startsWith(`${base.prefix}/`)) return null;
    return { path: url.pathname.slice(base.prefix.length), search: url.search };
  }
  if (url.origin === PUBLIC_API) return { path: url.pathname, search: url.search };
  return null;
}

/** Reads a request body up to `max` bytes; `undefined` when it is larger. */
async function readBody(
  request: Request,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null | undefined> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > max) return undefined;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  if (size === 0) return null;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function safeOrigin(target: string): string {
  try {
    const url = new URL(target);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host : "that target";
  } catch {
    return "that target";
  }
}

/**
 * An `application/problem+json` answer (RFC 9457) of the proxy itself: why,
 * and in `option` the option that would allow the request, when one would.
 */
function problem(refusal: Refusal, headers: Record<string, string> = {}): Response {
  const { status, code, detail, option } = refusal;
  const body: Record<string, unknown> = {
    type: `https://api.inference.sh/errors/${code}`,
    title: `Proxy: ${code.replaceAll("_", " ")}`,
    status,
    detail,
    code,
  };
  if (option !== undefined) body["option"] = option;
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
