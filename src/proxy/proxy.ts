/**
 * The server-side proxy: a web-standard `(Request) => Promise<Response>` that
 * adds the API key and relays the request to the API, so a browser app never
 * holds the key.
 *
 * @module
 */

import type { FetchLike } from "../http/config.ts";
import { VERSION } from "../version.ts";

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

/**
 * Settings of {@linkcode createProxy}.
 *
 * @example A Worker that keeps the key in its environment
 * ```ts
 * import { createProxy, type ProxyOptions } from "@inferencesh/sdk/proxy";
 *
 * const options: ProxyOptions = {
 *   apiKey: "inf_...",
 *   authorize: (request) => request.headers.get("x-app-session") !== null,
 *   forwardHeaders: ["x-team-id"],
 * };
 * const proxy = createProxy(options);
 * ```
 */
export interface ProxyOptions {
  /**
   * The API key the proxy adds as `Authorization: Bearer <key>`, or a function
   * that returns it for a request (read from a Worker's `env`, a secret store…).
   */
  apiKey: string | ((request: Request) => string | Promise<string>);
  /**
   * Where the API lives; the proxy relays to this origin only. Targets on the
   * public API (`https://api.inference.sh`, what the official client sends) are
   * mapped onto it, so one browser build works against staging or an emulator.
   * @default {"https://api.inference.sh"}
   */
  apiBaseUrl?: string | undefined;
  /**
   * Decides whether a request may use the proxy, before anything is relayed:
   * `true` lets it through, `false` answers 401, and a `Response` is answered
   * as it is (e.g. your own 403 or a redirect to a login page).
   */
  authorize?:
    | ((request: Request) => boolean | Response | Promise<boolean | Response>)
    | undefined;
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
 * (or the `__inf_target` query parameter), and the proxy relays it with the
 * server's key and streams the answer back unbuffered.
 *
 * It is not an open relay: targets must be on `apiBaseUrl`'s origin (or on the
 * public API, mapped onto `apiBaseUrl`), and every other target gets a 403
 * problem. Incoming cookies and `Authorization` are not relayed unless named in
 * `forwardHeaders`. Errors of the proxy itself are `application/problem+json`.
 *
 * @example Deno
 * ```ts ignore
 * import { createProxy } from "@inferencesh/sdk/proxy";
 * Deno.serve(createProxy({ apiKey: Deno.env.get("INFERENCE_API_KEY")! }));
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
 */
export function createProxy(options: ProxyOptions): ProxyHandler {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot create proxy: options must be an object like { apiKey }");
  }
  const { apiKey, authorize } = options;
  if (typeof apiKey === "string" ? apiKey.trim() === "" : typeof apiKey !== "function") {
    throw new TypeError("Cannot create proxy: 'apiKey' is required (a string or a function)");
  }
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new TypeError("Cannot create proxy: 'authorize' must be a function");
  }
  const base = parseBase(options.apiBaseUrl ?? PUBLIC_API);
  const extra = new Set((options.forwardHeaders ?? []).map((name) => name.toLowerCase()));
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  if (!(maxBodyBytes >= 0) || !Number.isFinite(maxBodyBytes)) {
    throw new RangeError(`Cannot create proxy: 'maxBodyBytes' must be >= 0: got ${maxBodyBytes}`);
  }
  const custom = options.fetch;
  const send: FetchLike = custom
    ? (input, init) => custom(input, init)
    : (input, init) => fetch(input, init);

  return async (request) => {
    if (!METHODS.includes(request.method)) {
      return problem(405, "method_not_allowed", `Cannot proxy ${request.method} requests`, {
        allow: METHODS.join(", "),
      });
    }
    if (authorize) {
      const verdict = await authorize(request);
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) {
        return problem(401, "unauthorized", "This request may not use the inference.sh proxy");
      }
    }
    const target = request.headers.get("x-inf-target-url") ??
      new URL(request.url).searchParams.get("__inf_target");
    if (target === null || target === "") {
      return problem(
        400,
        "missing_target",
        "Missing the x-inf-target-url header or the __inf_target query parameter",
      );
    }
    const upstream = upstreamUrl(base, target);
    if (upstream === undefined) {
      return problem(400, "invalid_target", "The target is not an absolute http(s) URL");
    }
    if (upstream === null) {
      return problem(
        403,
        "target_not_allowed",
        `Cannot proxy to ${
          safeOrigin(target)
        }: this proxy only relays to ${base.origin}${base.prefix}`,
      );
    }

    const key = typeof apiKey === "string" ? apiKey : await apiKey(request);
    if (typeof key !== "string" || key.trim() === "") {
      return problem(500, "missing_api_key", "The proxy has no API key configured");
    }
    const headers = new Headers();
    request.headers.forEach((value, name) => {
      if (
        FORWARDED.has(name) || extra.has(name) ||
        (name.startsWith("x-inf-") && name !== "x-inf-target-url")
      ) headers.set(name, value);
    });
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
    headers.set("x-inf-proxy", `@inferencesh/sdk-proxy/${VERSION}`);

    let body: Uint8Array<ArrayBuffer> | null | undefined = null;
    if (request.method !== "GET" && request.body !== null) {
      body = await readBody(request, maxBodyBytes);
      if (body === undefined) {
        return problem(
          413,
          "payload_too_large",
          `Request bodies are limited to ${maxBodyBytes} bytes`,
        );
      }
    }

    let response: Response;
    try {
      response = await send(upstream, {
        method: request.method,
        headers,
        body,
        // A redirect would otherwise carry the key to wherever it points.
        redirect: "manual",
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return problem(
        502,
        "bad_gateway",
        `Cannot reach the API: ${reason.replaceAll(key, "[redacted]")}`,
      );
    }
    if (response.type === "opaqueredirect" || response.status === 0) {
      return problem(502, "bad_gateway", "The API answered with a redirect, which is not relayed");
    }
    const out = new Headers();
    response.headers.forEach((value, name) => {
      if (!DROPPED_RESPONSE_HEADERS.has(name)) out.set(name, value);
    });
    const type = out.get("content-type") ?? "";
    if (type.includes("ndjson") || type.includes("event-stream")) {
      // Asks buffering reverse proxies (nginx and alike) to pass each line at once.
      out.set("x-accel-buffering", "no");
      out.set("cache-control", "no-cache");
    }
    // The body is passed on as the same stream: nothing is buffered, and a client
    // that goes away cancels it, which closes the upstream connection. (The
    // request's signal is not used: Deno aborts it after every delivered response
    // and warns as soon as it is read.)
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    return new Response(nullBody ? null : response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: out,
    });
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
 * The URL to relay to: `undefined` when the target is not a URL, `null` when it
 * is not on the API. Origins are compared parsed, so `https://api.inference.sh.evil`,
 * `https://api.inference.sh@evil` or `//evil` never match.
 */
function upstreamUrl(base: Base, target: string): string | undefined | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username !== "" || url.password !== "") return null;
  const path = url.pathname + url.search;
  if (url.origin === base.origin) {
    if (
      base.prefix !== "" && url.pathname !== base.prefix &&
      !url.pathname.startsWith(`${base.prefix}/`)
    ) {
      return null;
    }
    return base.origin + path;
  }
  if (url.origin === PUBLIC_API) return base.origin + base.prefix + path;
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

/** An `application/problem+json` answer of the proxy itself. */
function problem(
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body = {
    type: `https://api.inference.sh/errors/${code}`,
    title: `Proxy: ${code.replaceAll("_", " ")}`,
    status,
    detail,
    code,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
