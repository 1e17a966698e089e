/**
 * Client configuration: what callers may set, the defaults, and the checks that
 * reject a bad setting when the client is created rather than at the first call.
 *
 * @module
 */

import type { ClientClock } from "./clock.ts";
import { isSendableSecret } from "./redact.ts";

/**
 * A `fetch`-compatible function. The SDK always calls it as a plain function
 * (never as a method), so a detached global `fetch` works on workerd too.
 *
 * @example
 * ```ts
 * import type { FetchLike } from "@inferencesh/sdk/types";
 * const logged: FetchLike = (input, init) => {
 *   console.log(init?.method ?? "GET", String(input));
 *   return fetch(input, init);
 * };
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A notice the API attached to a successful answer (the envelope's `messages`):
 * a concurrency limit, a deprecation, an upgrade prompt.
 *
 * @example
 * ```ts
 * import type { ResponseMessage } from "@inferencesh/sdk/types";
 * const notice: ResponseMessage = { level: "warning", code: "concurrency_limit", message: "3 tasks queued" };
 * ```
 */
export interface ResponseMessage {
  /** How serious it is, e.g. `"info"` or `"warning"`. */
  level?: string | undefined;
  /** Machine-readable code, e.g. `"concurrency_limit"`. */
  code?: string | undefined;
  /** The sentence to show. */
  message?: string | undefined;
  /** Details, e.g. `{ limit: 3 }`. */
  meta?: Record<string, unknown> | undefined;
  /** Any other field the API sent. */
  [field: string]: unknown;
}

/** The environment variable the key is read from when no `apiKey` is given. */
export const API_KEY_VARIABLE = "INFERENCE_API_KEY";

/**
 * Options of {@linkcode inference}.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from "@inferencesh/sdk";
 * const options: ClientOptions = { apiKey: "inf_...", maxRetries: 3, timeoutMs: 30_000 };
 * ```
 */
export interface ClientOptions {
  /**
   * Your inference.sh API key. It is sent to `baseUrl` only, and never appears in
   * errors. When no `apiKey`, `getToken` or `proxyUrl` is given, it is read from
   * the `INFERENCE_API_KEY` environment variable when `inference()` is called
   * (Node and Bun `process.env`, Deno with `--allow-env`; where there is no
   * environment, as in a browser or a Worker, nothing is read).
   */
  apiKey?: string | undefined;
  /**
   * Send every request through a proxy that holds the key (see
   * `@inferencesh/sdk/proxy`) instead of to the API: for browser apps. Requests
   * go to this URL with the API URL in the `x-inf-target-url` header (streams
   * also in the `__inf_target` query parameter) and without an `Authorization`
   * header from the SDK. A path like `/api/inference/proxy` works in browsers.
   */
  proxyUrl?: string | undefined;
  /**
   * Asked for the key before every request, stream connect and reconnect, for
   * short-lived tokens; may be async. When a call is refused with 401 it is asked
   * once more and the call retried. Instead of `apiKey`.
   */
  getToken?: (() => string | Promise<string>) | undefined;
  /**
   * Where the API lives.
   * @default {"https://api.inference.sh"}
   */
  baseUrl?: string | undefined;
  /**
   * The `fetch` to use, e.g. an emulator's (`createEmulator().fetch`) or one with
   * a proxy agent.
   * @default {globalThis.fetch}
   */
  fetch?: FetchLike | undefined;
  /** Extra headers sent with every API request. */
  headers?: Record<string, string> | undefined;
  /**
   * How many times a failed call is retried (see the README's retry rules).
   * @default {2}
   */
  maxRetries?: number | undefined;
  /**
   * Time limit of each attempt of a JSON call, and of a stream's connect, in ms.
   * @default {60000}
   */
  timeoutMs?: number | undefined;
  /**
   * Follow tasks and agent turns over a stream (`true`) or by polling (`false`,
   * e.g. where long responses are cut by a proxy).
   * @default {true}
   */
  stream?: boolean | undefined;
  /**
   * Poll period when `stream` is `false`, in ms.
   * @default {2000}
   */
  pollIntervalMs?: number | undefined;
  /**
   * Called with the notices (`messages`) the API attached to a successful answer,
   * such as concurrency limits or deprecations, and the call they came with
   * (`context.action`, e.g. `run app "infsh/echo"`). Not called when there are
   * none. What it throws is ignored: a notice never fails a call that succeeded.
   */
  onMessage?: ((messages: ResponseMessage[], context: { action: string }) => void) | undefined;
  /**
   * The time source every wait of the client runs on: the pauses between polls
   * and between retries, reconnect backoff, the stream silence watchdog
   * (`idleTimeoutMs`), `reconcileAfterMs`, and the `timeoutMs` of `tasks.wait`
   * and `agents.wait`. For tests: pass a clock you drive instead of replacing
   * `setTimeout` or `Date.now`. The per-request time limit (`timeoutMs` above)
   * and `X-RateLimit-Reset` (an absolute time) stay on the runtime's timers and
   * `Date.now`. The emulator's `ManualClock` only tells the time (for the
   * emulator's timestamps); a test that drives the client passes an object
   * with `setTimeout` and `clearTimeout` too.
   *
   * @example A test that runs every wait without waiting, and records it
   * ```ts
   * import { inference } from "@inferencesh/sdk";
   * import { createEmulator } from "@inferencesh/sdk/testing";
   *
   * let now = 0;
   * const waits: number[] = [];
   * const emulator = createEmulator({ stepMs: 0 });
   * const client = inference({
   *   apiKey: "test",
   *   fetch: emulator.fetch,
   *   stream: false,
   *   clock: {
   *     now: () => now,
   *     setTimeout(callback, ms) {
   *       waits.push(ms);
   *       now += ms;
   *       // At once, but on a later task: the emulator's own timers get their turn.
   *       return setTimeout(callback, 0);
   *     },
   *     clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
   *   },
   *   random: () => 0.5,
   * });
   * await client.tasks.run({ app: "infsh/echo", input: {} });
   * console.log(waits); // the poll pauses, without waiting for them
   * emulator.close();
   * ```
   * @default {the runtime's `Date.now` and `setTimeout`}
   */
  clock?: ClientClock | undefined;
  /**
   * The source of the jitter (a number in [0, 1), like `Math.random`) that
   * spreads polls (±20 %), reconnects and retries so that many clients do not
   * hit the API in step. Only for tests that check the schedule: with a fixed
   * value, the waits the `clock` sees are exact.
   * @default {Math.random}
   */
  random?: (() => number) | undefined;
}

/** Options with every default applied, checked. */
export interface ResolvedConfig {
  /** `""` in proxy mode and with `getToken`. */
  apiKey: string;
  /** The caller's token provider, when the key is asked for per request. */
  getToken?: (() => string | Promise<string>) | undefined;
  /** Absolute proxy URL, when requests go through a proxy. */
  proxyUrl?: string | undefined;
  baseUrl: string;
  fetch: FetchLike;
  headers: Record<string, string>;
  maxRetries: number;
  timeoutMs: number;
  stream: boolean;
  pollIntervalMs: number;
  onMessage?: ((messages: ResponseMessage[], context: { action: string }) => void) | undefined;
  /** The caller's `clock`, when given (the followers default to the runtime's). */
  clock?: ClientClock | undefined;
  /** The caller's `random`, when given (the followers default to `Math.random`). */
  random?: (() => number) | undefined;
}

/** The production API. */
export const DEFAULT_BASE_URL = "https://api.inference.sh";

/** Applies defaults and rejects bad settings with a message that names the option. */
export function resolveConfig(options: ClientOptions): ResolvedConfig {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot create client: options must be an object like { apiKey }");
  }
  const { getToken } = options;
  const proxyUrl = resolveProxyUrl(options.proxyUrl);
  if (getToken !== undefined && typeof getToken !== "function") {
    throw new TypeError("Cannot create client: 'getToken' must be a function");
  }
  const apiKey = options.apiKey ??
    (getToken === undefined && proxyUrl === undefined ? environmentKey() ?? "" : "");
  const ways = [apiKey !== "", getToken !== undefined, proxyUrl !== undefined].filter(Boolean);
  if (typeof apiKey !== "string" || ways.length === 0 || (apiKey !== "" && apiKey.trim() === "")) {
    throw new TypeError(
      `Cannot create client: 'apiKey' is required (get one from the inference.sh dashboard; pass it, or set the ${API_KEY_VARIABLE} environment variable where the runtime lets it be read), or 'getToken' for short-lived tokens, or 'proxyUrl' to send requests through a proxy that holds the key`,
    );
  }
  if (apiKey !== "" && !isSendableSecret(apiKey)) {
    // Never quoted: the runtime's "invalid header value" message would quote it.
    throw new TypeError(
      `Cannot create client: ${
        options.apiKey === undefined ? `the ${API_KEY_VARIABLE} environment variable` : "'apiKey'"
      } contains whitespace, control or non-ASCII characters (check for a line feed or quotes pasted with it)`,
    );
  }
  if (ways.length > 1) {
    throw new TypeError(
      "Cannot create client: pass one of 'apiKey', 'getToken' or 'proxyUrl' (with a proxy the key stays on the server)",
    );
  }
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError(`Cannot create client: 'baseUrl' is not a URL: "${baseUrl}"`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`Cannot create client: 'baseUrl' must be http(s): "${baseUrl}"`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new TypeError("Cannot create client: 'fetch' must be a function");
  }
  const custom = options.fetch;
  return {
    apiKey,
    getToken,
    proxyUrl,
    baseUrl,
    // Looked up at call time: creating a client touches no global.
    fetch: custom ? (input, init) => custom(input, init) : (input, init) => fetch(input, init),
    headers: { ...options.headers },
    maxRetries: count("maxRetries", options.maxRetries, 2),
    timeoutMs: positive("timeoutMs", options.timeoutMs, 60_000),
    stream: options.stream ?? true,
    pollIntervalMs: positive("pollIntervalMs", options.pollIntervalMs, 2_000),
    onMessage: callback("onMessage", options.onMessage),
    clock: clockOption(options.clock),
    random: callback("random", options.random),
  };
}

/** Checks `clock`: an object with `now`, `setTimeout` and `clearTimeout` functions. */
function clockOption(clock: ClientClock | undefined): ClientClock | undefined {
  if (clock === undefined) return undefined;
  for (const name of ["now", "setTimeout", "clearTimeout"] as const) {
    if (typeof clock?.[name] !== "function") {
      throw new TypeError(
        `Cannot create client: 'clock' must be an object with now(), setTimeout() and clearTimeout() methods (no ${name}())`,
      );
    }
  }
  return clock;
}

/**
 * `INFERENCE_API_KEY` from the environment, read now (never at import), where
 * the runtime exposes one: Deno only when the permission is already granted (so
 * no prompt appears), else `process.env`. A denied permission or a runtime with
 * no environment gives `undefined`, never an error.
 */
export function environmentKey(): string | undefined {
  const runtime = globalThis as {
    Deno?: {
      env?: { get(name: string): string | undefined };
      permissions?: {
        querySync?(descriptor: { name: string; variable: string }): { state: string };
      };
    };
    process?: { env?: Record<string, string | undefined> };
  };
  try {
    const deno = runtime.Deno;
    if (deno?.env) {
      const state = deno.permissions?.querySync?.({ name: "env", variable: API_KEY_VARIABLE })
        .state;
      if (state !== undefined && state !== "granted") return undefined;
      return deno.env.get(API_KEY_VARIABLE) || undefined;
    }
    return runtime.process?.env?.[API_KEY_VARIABLE] || undefined;
  } catch {
    return undefined;
  }
}

function callback<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new TypeError(`Cannot create client: '${name}' must be a function`);
  }
  return value;
}

/** Checks `proxyUrl`: absolute http(s), or a path resolved against the page in a browser. */
function resolveProxyUrl(proxyUrl: string | undefined): string | undefined {
  if (proxyUrl === undefined) return undefined;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  let parsed: URL | undefined;
  try {
    parsed = typeof proxyUrl === "string" && proxyUrl !== "" ? new URL(proxyUrl, page) : undefined;
  } catch {
    // reported below
  }
  if (parsed?.protocol !== "https:" && parsed?.protocol !== "http:") {
    throw new TypeError(
      `Cannot create client: 'proxyUrl' must be an http(s) URL (or a path, in a browser): "${proxyUrl}"`,
    );
  }
  return parsed.href;
}

/**
 * Where one request goes and the headers that route it: straight to the API
 * with the key, or to the proxy with the API URL in `x-inf-target-url` (and, for
 * streams, in the `__inf_target` query parameter) and no key.
 */
export function routeRequest(
  config: Pick<ResolvedConfig, "apiKey" | "proxyUrl">,
  target: string,
  stream: boolean,
): { url: string; headers: Record<string, string> } {
  if (config.proxyUrl === undefined) {
    return { url: target, headers: { authorization: `Bearer ${config.apiKey}` } };
  }
  let url = config.proxyUrl;
  if (stream) {
    const proxied = new URL(url);
    proxied.searchParams.set("__inf_target", target);
    url = proxied.href;
  }
  return { url, headers: { "x-inf-target-url": target } };
}

/** A non-negative integer option (a count), or its default. */
export function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`Invalid option '${name}': must be a non-negative integer: got ${value}`);
  }
  return value;
}

/** A positive number option (a duration), or its default. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`Invalid option '${name}': must be a positive number: got ${value}`);
  }
  return value;
}

/** A non-negative number option (a delay that may be zero), or its default. */
export function delay(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`Invalid option '${name}': must be a non-negative number: got ${value}`);
  }
  return value;
}
