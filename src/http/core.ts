/**
 * The one request loop of the SDK: builds each request, attaches the key, applies
 * the deadline, retries what the policy allows, unwraps the `{data, messages}`
 * envelope and turns error responses into typed errors.
 *
 * @module
 */

import { APIConnectionError, excerpt, InferenceError, TimeoutError } from "../errors.ts";
import { VERSION } from "../version.ts";
import { type ResolvedConfig, routeRequest } from "./config.ts";
import { errorFromResponse } from "./problem.ts";
import {
  backoffDelay,
  isConnectionRefused,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  type RetryMode,
} from "./retry.ts";
import { linkSignals, sleep } from "./signals.ts";

/**
 * Per-call options accepted by every client method.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from "@inferencesh/sdk";
 * const options: RequestOptions = { signal: AbortSignal.timeout(5_000), maxRetries: 0 };
 * ```
 */
export interface RequestOptions {
  /** Aborts the call; it then rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number | undefined;
}

/** One API call, as the resources describe it. */
export interface ApiCall extends RequestOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the base URL, ids already encoded (see {@linkcode segment}). */
  path: string;
  /** JSON body; omitted when `undefined`. */
  body?: unknown;
  /** What the call does, for error messages: e.g. `get task "task_1"`. */
  action: string;
  retry: RetryMode;
  /** The session the call names, so session errors can carry it. */
  sessionId?: string | undefined;
}

/** A stream to open with a GET. */
export interface StreamCall extends RequestOptions {
  path: string;
  action: string;
  /** The media type to ask for. */
  accept: string;
  sessionId?: string | undefined;
}

/**
 * A PUT of raw bytes to a storage URL (a file's presigned `upload_url`). It is
 * sent with `headers` only: no API key, no client headers.
 */
export interface StoragePut extends RequestOptions {
  /** The absolute URL to PUT to. */
  url: string;
  /** What the call does, for error messages. */
  action: string;
  /** Every header of the request, e.g. `content-type`. */
  headers: Record<string, string>;
  /** The body of one attempt; `touch()` re-arms the deadline whenever bytes move. */
  body: (touch: () => void) => BodyInit;
  /** Asked before each retry: `false` when the body cannot be sent again. */
  canRetry?: (() => boolean) | undefined;
}

/** Encodes an id as exactly one path segment (`a/../b` stays one segment). */
export function segment(id: string, name = "id"): string {
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`Invalid argument '${name}': must be a non-empty string: got ${id}`);
  }
  return encodeURIComponent(id);
}

/** Knobs of the retry timing, for tests. */
export interface HttpTuning {
  random?: (() => number) | undefined;
  baseDelayMs?: number | undefined;
}

/** The HTTP core shared by all resources of one client. */
export class HttpClient {
  readonly #config: ResolvedConfig;
  readonly #backoff: (attempt: number) => number;
  readonly #tuning: HttpTuning;
  /** The session errors of this view's calls name, unless a call names its own. */
  #sessionId: string | undefined;

  /**
   * Wraps a resolved configuration. `random` (the jitter) and `baseDelayMs`
   * (the first backoff) are parameters so tests need neither luck nor patience.
   */
  constructor(config: ResolvedConfig, tuning: HttpTuning = {}) {
    this.#config = config;
    this.#tuning = tuning;
    const { random = Math.random, baseDelayMs } = tuning;
    this.#backoff = (attempt) => backoffDelay(attempt, random, baseDelayMs);
  }

  /** The client's default transport settings, for resources that follow streams. */
  get config(): Readonly<Omit<ResolvedConfig, "apiKey" | "getToken" | "fetch">> {
    const { apiKey: _key, getToken: _token, fetch: _fetch, ...rest } = this.#config;
    return rest;
  }

  /** Sends a JSON call and returns the envelope's `data` (`undefined` for 204). */
  async json<T>(call: ApiCall): Promise<T> {
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = { accept: "application/json" };
    // Content-Type only with a body: a body-less GET then needs no CORS preflight
    // for the type, and servers never see a JSON type on an empty body.
    if (body !== undefined) headers["content-type"] = "application/json";
    return await this.#send(
      call,
      { method: call.method, body, headers },
      (response) => readEnvelope<T>(response, call.action),
    );
  }

  /**
   * Opens a stream: retried like an idempotent call until its headers arrive;
   * `timeoutMs` bounds the wait for the headers only. The caller reads the body.
   */
  async stream(call: StreamCall): Promise<Response> {
    const response = await this.#send(
      { ...call, method: "GET", retry: "idempotent" },
      { method: "GET", headers: { accept: call.accept } },
    );
    if (response.body === null) {
      throw new APIConnectionError(`Cannot ${call.action}: the response has no body`);
    }
    return response;
  }

  /**
   * The same client, whose session errors carry `sessionId` when a call names
   * no session itself: for following a task that runs in a session.
   */
  forSession(sessionId: string | undefined): HttpClient {
    if (sessionId === undefined || sessionId === this.#sessionId) return this;
    const view = new HttpClient(this.#config, this.#tuning);
    view.#sessionId = sessionId;
    return view;
  }

  /**
   * PUTs raw bytes to storage: retried like an idempotent call (while
   * `canRetry` allows), under the same deadline rules, but sent to `call.url`
   * with `call.headers` only, so the API key and the client's headers never
   * leave for the storage host.
   */
  async put(call: StoragePut): Promise<void> {
    await this.#send(
      { ...call, method: "PUT", path: call.url, retry: "idempotent" },
      {
        method: "PUT",
        url: call.url,
        headers: call.headers,
        body: call.body,
        canRetry: call.canRetry,
      },
      async (response) => {
        await response.body?.cancel();
      },
    );
  }

  /** The key of one attempt: the static one, or a fresh one from `getToken`. */
  async #key(signal: AbortSignal | undefined): Promise<string> {
    const { getToken, apiKey } = this.#config;
    if (!getToken) return apiKey;
    const token = await abortable(Promise.resolve(getToken()), signal);
    if (typeof token !== "string" || token.trim() === "") {
      throw new TypeError("Cannot authenticate: 'getToken' returned no token");
    }
    return token;
  }

  /**
   * Runs the attempts. With `read`, the body is read under the same deadline as
   * the headers (a JSON call); without, the response is returned once its headers
   * arrived (a stream, whose body has its own idle watchdog).
   */
  async #send<R = Response>(
    call: Omit<ApiCall, "body">,
    init: {
      method: string;
      body?: string | ((touch: () => void) => BodyInit) | undefined;
      headers: Record<string, string>;
      /** An absolute URL (a storage PUT): sent there with `headers` only. */
      url?: string | undefined;
      canRetry?: (() => boolean) | undefined;
    },
    read?: (response: Response) => Promise<R>,
  ): Promise<R> {
    const config = this.#config;
    const maxRetries = call.maxRetries ?? config.maxRetries;
    const timeoutMs = call.timeoutMs ?? config.timeoutMs;
    // A storage PUT goes to its own URL with its own headers: no key, no client
    // headers. API calls go straight to the API with the key, or to the proxy
    // with the target in a header.
    let refreshed = false;
    for (let attempt = 0;; attempt++) {
      call.signal?.throwIfAborted();
      const key = await this.#key(call.signal);
      const deadline = new AbortController();
      let timer = setTimeout(() => deadline.abort(), timeoutMs);
      const touch = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => deadline.abort(), timeoutMs);
      };
      const linked = linkSignals([call.signal, deadline.signal]);
      // Routed per attempt: with `getToken` each attempt may carry a fresh key.
      const route = init.url === undefined
        ? routeRequest(
          { apiKey: key, proxyUrl: config.proxyUrl },
          config.baseUrl + call.path,
          read === undefined,
        )
        : undefined;
      const target = route?.url ?? init.url!;
      const sent = route
        ? {
          ...config.headers,
          ...init.headers,
          "x-client-source": `inference-sdk-jsr/${VERSION}`,
          ...route.headers,
        }
        : init.headers;
      // A stream's body is read after this returns, so its link must keep passing
      // aborts on (without AbortSignal.any, disposing it would cut that off).
      let streaming = false;
      let failure: InferenceError;
      let retryable: boolean;
      let waitMs: number | undefined;
      try {
        const body = typeof init.body === "function" ? init.body(touch) : init.body ?? null;
        const response = await config.fetch(target, {
          method: init.method,
          headers: sent,
          body,
          signal: linked.signal,
          // Never follow: a redirect to another host would carry the key there.
          // (A storage PUT carries no key, so it may follow.)
          redirect: init.url === undefined ? "manual" : "follow",
          ...(typeof ReadableStream !== "undefined" && body instanceof ReadableStream
            ? { duplex: "half" }
            : {}),
        } as RequestInit);
        if (response.ok && read) return await read(response);
        if (response.ok) {
          streaming = true;
          return response as R;
        }
        if (
          response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)
        ) {
          await response.body?.cancel();
          throw new APIConnectionError(
            `Cannot ${call.action}: the API answered with a redirect, which is not followed so that requests (and the key) go to ${
              new URL(target).origin
            } only`,
            { status: response.status },
          );
        }
        // A server or proxy echoing the key back must not put it into an error.
        // (Only a key long enough to be a secret: a test key like "k" would
        // mangle every word of the body.)
        const text = key.length < 8
          ? await response.text()
          : (await response.text()).replaceAll(key, "[redacted]");
        const retryAfterMs = parseRetryAfter(response.headers);
        failure = errorFromResponse({
          action: call.action,
          status: response.status,
          body: text,
          retryAfterMs,
          sessionId: call.sessionId ?? this.#sessionId,
        });
        retryable = isRetryableStatus(response.status, call.retry);
        if (response.status === 401 && config.getToken && !refreshed) {
          // The token may have expired between asking and sending: ask once more.
          refreshed = true;
          retryable = true;
          waitMs = 0;
        }
        if (retryAfterMs !== undefined) {
          if (retryAfterMs > MAX_RETRY_AFTER_MS) retryable = false;
          waitMs = retryAfterMs;
        }
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        if (error instanceof InferenceError) throw error;
        if (deadline.signal.aborted) {
          failure = new TimeoutError(
            `Cannot ${call.action}: no response within ${timeoutMs} ms`,
            read ? "request" : "connect",
            timeoutMs,
            { cause: error },
          );
          // A timed-out create may have been acted on: only idempotent calls retry.
          retryable = call.retry === "idempotent";
        } else {
          failure = new APIConnectionError(
            `Cannot ${call.action}: ${describe(error)}`,
            { cause: error },
          );
          retryable = call.retry === "idempotent" || isConnectionRefused(error);
        }
      } finally {
        clearTimeout(timer);
        if (!streaming) linked.dispose();
      }
      if (!retryable || attempt >= maxRetries || init.canRetry?.() === false) throw failure;
      await sleep(waitMs ?? this.#backoff(attempt), call.signal);
    }
  }
}

/** Reads a 2xx body: the envelope's `data`, a bare value, or `undefined` when empty. */
async function readEnvelope<T>(response: Response, action: string): Promise<T> {
  const text = await response.text();
  if (text.trim() === "") return undefined as T;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InferenceError(
      `Cannot ${action}: the API answered ${response.status} with a body that is not JSON: ${
        excerpt(text, 200)
      }`,
      { status: response.status, body: text, cause },
    );
  }
  return unwrapEnvelope(parsed) as T;
}

/**
 * Unwraps `{data, messages}`. Only an object whose keys are `data` plus at most
 * envelope members counts as an envelope, so a bare DTO that merely has a `data`
 * field is returned whole.
 */
export function unwrapEnvelope(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  if (!("data" in value)) return value;
  const envelopeKeys = new Set(["data", "messages", "success", "status", "error"]);
  const isEnvelope = Object.keys(value).every((key) => envelopeKeys.has(key));
  return isEnvelope ? (value as { data: unknown }).data : value;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `the connection failed (${error.message}${cause})`;
  }
  return "the connection failed";
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
