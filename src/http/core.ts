/**
 * The one request loop of the SDK: builds each request, attaches the key, applies
 * the deadline, retries what the policy allows, unwraps and checks the
 * `{data, messages}` envelope, turns error responses into typed errors, and
 * redacts the client's secrets from every error it raises.
 *
 * @module
 */

import {
  ApiConnectionError,
  type ErrorContext,
  excerpt,
  InferenceError,
  TimeoutError,
} from "../errors.ts";
import { VERSION } from "../version.ts";
import { type ResolvedConfig, type ResponseMessage, routeRequest } from "./config.ts";
import { errorFromResponse } from "./problem.ts";
import { isSendableSecret, Redactor } from "./redact.ts";
import {
  backoffDelay,
  isConnectionRefused,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRateLimitReset,
  parseRetryAfter,
  type RetryMode,
} from "./retry.ts";
import { abortable, linkSignals, sleep } from "./signals.ts";

/** How much of an error body (or of a 2xx body that is not JSON) is read; the rest is discarded. */
export const MAX_ERROR_BODY_BYTES: number = 1024 * 1024;
/** The largest JSON answer read; a bigger one is an error naming this cap. */
export const MAX_JSON_BODY_BYTES: number = 64 * 1024 * 1024;

/**
 * What a 2xx answer must be, checked after the envelope is unwrapped:
 * - `any`: any JSON value, or nothing (an empty body or 204 gives `undefined`);
 * - `none`: the body is not read (a cancel, a delete);
 * - `object`: a JSON object;
 * - `object-with-id`: a JSON object with a non-empty string `id`;
 * - `array`: a JSON array (`null` reads as `[]`).
 * Whatever the expectation, a body that is not JSON or says `success: false` is an
 * {@linkcode InferenceError} naming the call.
 */
export type Expect = "any" | "none" | "object" | "object-with-id" | "array";

/**
 * Per-call options accepted by every client method.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from "@inferencesh/sdk/types";
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
  /** What a 2xx answer must be (default `any`). */
  expect?: Expect | undefined;
  /** Fields every error of this call carries, e.g. `{ sessionId }`. */
  context?: ErrorContext | undefined;
}

/** A stream to open with a GET. */
export interface StreamCall extends RequestOptions {
  path: string;
  action: string;
  /** The media type to ask for. */
  accept: string;
  /** Fields every error of this call carries, e.g. `{ sessionId }`. */
  context?: ErrorContext | undefined;
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

/**
 * Encodes an id as exactly one path segment. An empty id, `.`, `..` or one
 * containing `/` (or `\\`) is a `TypeError` naming the argument, before any
 * request: encoded or not, servers and proxies resolve such segments as paths
 * (`tasks.cancel("..")` would reach `POST /cancel`).
 */
export function segment(id: string, name = "id"): string {
  if (typeof id !== "string" || id === "") {
    throw new TypeError(
      `Invalid argument '${name}': must be a non-empty string: got ${
        typeof id === "string" ? '""' : String(id)
      }`,
    );
  }
  if (id === "." || id === ".." || /[/\\]/.test(id)) {
    throw new TypeError(
      `Invalid argument '${name}': must be an id, not a path: got ${
        JSON.stringify(excerpt(id, 60))
      }`,
    );
  }
  return encodeURIComponent(id);
}

/** Knobs of the retry timing, for tests. */
export interface HttpTuning {
  random?: (() => number) | undefined;
  baseDelayMs?: number | undefined;
  /** The wait between attempts (tests record it instead of waiting). */
  sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /** The clock `X-RateLimit-Reset` is read against. */
  now?: (() => number) | undefined;
}

/** The HTTP core shared by all resources of one client. */
export class HttpClient {
  readonly #config: ResolvedConfig;
  readonly #backoff: (attempt: number) => number;
  readonly #sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly #now: () => number;
  /** Every secret this client sent (the key, each token), for {@linkcode redact}. */
  readonly #redactor = new Redactor();

  /**
   * Wraps a resolved configuration. `random` (the jitter) and `baseDelayMs`
   * (the first backoff) are parameters so tests need neither luck nor patience.
   */
  constructor(config: ResolvedConfig, tuning: HttpTuning = {}) {
    this.#config = config;
    this.#redactor.add(config.apiKey);
    const { random = config.random ?? Math.random, baseDelayMs } = tuning;
    this.#backoff = (attempt) => backoffDelay(attempt, random, baseDelayMs);
    this.#sleep = tuning.sleep ?? ((ms, signal) => sleep(ms, signal, config.clock));
    this.#now = tuning.now ?? Date.now;
  }

  /** The client's default transport settings, for resources that follow streams. */
  get config(): Readonly<Omit<ResolvedConfig, "apiKey" | "getToken" | "fetch" | "onMessage">> {
    const { apiKey: _key, getToken: _token, fetch: _fetch, onMessage: _notices, ...rest } =
      this.#config;
    return rest;
  }

  /**
   * THE redaction hook: every error the SDK raises must pass through here before
   * it leaves the SDK. It removes every secret this client used (the key, every
   * token `getToken` returned) from every field of an {@linkcode InferenceError}
   * (message, stack, body, detail, title, line, problem, cause chain, …), in raw,
   * JSON-escaped and percent-encoded spellings, in place, and returns it. Other
   * values (a caller's `signal.reason`) are returned untouched. The core's own
   * calls (`json`, `stream`, `put`) already do this; a follower that reads a
   * stream's body must call it on what it throws (`throw http.redact(error)`).
   */
  redact<E>(error: E): E {
    return error instanceof InferenceError ? this.#redactor.error(error) : error;
  }

  /** Sends a JSON call and returns the envelope's `data` (`undefined` for 204). */
  async json<T>(call: ApiCall): Promise<T> {
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = { accept: "application/json" };
    // Content-Type only with a body: a body-less GET then needs no CORS preflight
    // for the type, and servers never see a JSON type on an empty body.
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const { data, messages } = await this.#send(
        call,
        { method: call.method, body, headers },
        (response) => readEnvelope(response, call),
      );
      if (messages.length > 0) notify(this.#config.onMessage, messages, call.action);
      return data as T;
    } catch (error) {
      throw this.redact(error);
    }
  }

  /**
   * Opens a stream: retried like an idempotent call until its headers arrive;
   * `timeoutMs` bounds the wait for the headers only. The caller reads the body.
   */
  async stream(call: StreamCall): Promise<Response> {
    try {
      const response = await this.#send(
        { ...call, method: "GET", retry: "idempotent" },
        { method: "GET", headers: { accept: call.accept } },
      );
      if (response.body === null) {
        throw new ApiConnectionError(`Cannot ${call.action}: the response has no body`, {
          ...call.context,
        });
      }
      return response;
    } catch (error) {
      throw this.redact(error);
    }
  }

  /**
   * PUTs raw bytes to storage: retried like an idempotent call (while
   * `canRetry` allows), under the same deadline rules, but sent to `call.url`
   * with `call.headers` only, so the API key and the client's headers never
   * leave for the storage host.
   */
  async put(call: StoragePut): Promise<void> {
    try {
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
    } catch (error) {
      throw this.redact(error);
    }
  }

  /** The key of one attempt: the static one, or a fresh one from `getToken`. */
  async #key(signal: AbortSignal | undefined): Promise<string> {
    const { getToken, apiKey } = this.#config;
    if (!getToken) return apiKey;
    const token = await abortable(Promise.resolve(getToken()), signal);
    if (typeof token !== "string" || token.trim() === "") {
      throw new TypeError("Cannot authenticate: 'getToken' returned no token");
    }
    // Remembered before it is checked or sent: whatever echoes it later is redacted.
    this.#redactor.add(token);
    if (!isSendableSecret(token)) {
      // Never quoted: the token is a secret, and the runtime's own "invalid header
      // value" message would quote it.
      throw new TypeError(
        "Cannot authenticate: 'getToken' returned a token with whitespace, control or non-ASCII characters",
      );
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
      // The deadline starts before the key is asked for: a `getToken` that never
      // answers must not hold the call forever either.
      const deadline = new AbortController();
      let timer = setTimeout(() => deadline.abort(), timeoutMs);
      const touch = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => deadline.abort(), timeoutMs);
      };
      const linked = linkSignals([call.signal, deadline.signal]);
      let key: string;
      try {
        key = await this.#key(linked.signal);
      } catch (error) {
        clearTimeout(timer);
        linked.dispose();
        if (call.signal?.aborted) throw call.signal.reason;
        if (!deadline.signal.aborted) throw error;
        throw new TimeoutError(
          `Cannot ${call.action}: 'getToken' gave no token within ${timeoutMs} ms`,
          { phase: read ? "request" : "connect", timeoutMs, ...call.context },
        );
      }
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
        // Every await of the attempt is raced against the link: a fetch (or a body)
        // that ignores its signal must not outlive the deadline or the caller's abort.
        const fetched = config.fetch(target, {
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
        const response = await abortable(fetched, linked.signal);
        if (response.ok && read) return await abortable(read(response), linked.signal);
        if (response.ok) {
          streaming = true;
          return response as R;
        }
        if (
          response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)
        ) {
          response.body?.cancel().catch(() => {});
          throw new ApiConnectionError(
            `Cannot ${call.action}: the API answered with a redirect, which is not followed so that requests (and the key) go to ${
              new URL(target).origin
            } only`,
            { status: response.status, ...call.context },
          );
        }
        // At most 1 MiB of an error body is read (an endless one cannot exhaust
        // memory); the key it may echo is redacted on the way out.
        // Redacted before it is parsed or cut into a message, so no excerpt can end
        // inside a secret.
        const text = this.#redactor.text(
          (await abortable(readCapped(response, MAX_ERROR_BODY_BYTES), linked.signal)).text,
        );
        // Without `Retry-After`, a 429 waits until the limit resets, when it says.
        const retryAfterMs = parseRetryAfter(response.headers) ??
          (response.status === 429
            ? parseRateLimitReset(response.headers, this.#now())
            : undefined);
        failure = errorFromResponse(
          { action: call.action, status: response.status, body: text, retryAfterMs },
          call.context,
        );
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
          failure = new TimeoutError(`Cannot ${call.action}: no response within ${timeoutMs} ms`, {
            phase: read ? "request" : "connect",
            timeoutMs,
            cause: error,
            ...call.context,
          });
          // A timed-out create may have been acted on: only idempotent calls retry.
          retryable = call.retry === "idempotent";
        } else {
          failure = new ApiConnectionError(`Cannot ${call.action}: ${describe(error)}`, {
            cause: error,
            ...call.context,
          });
          retryable = call.retry === "idempotent" || isConnectionRefused(error);
        }
      } finally {
        clearTimeout(timer);
        if (!streaming) linked.dispose();
      }
      if (!retryable || attempt >= maxRetries || init.canRetry?.() === false) throw failure;
      await this.#sleep(waitMs ?? this.#backoff(attempt), call.signal);
    }
  }
}

/**
 * Decodes whole bodies; never used with `stream: true`, so it keeps no state
 * between them. Made on first use: importing runs nothing.
 */
let utf8: TextDecoder | undefined;

/**
 * Reads at most `limit` bytes of a body as text and cancels the rest, so an
 * endless body costs `limit` bytes, not all the memory there is.
 */
export async function readCapped(
  response: Response,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  const body = response.body;
  if (body === null) return { text: "", truncated: false };
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream: read it as it comes.
  }
  const { bytes, truncated } = byob
    ? await readInto(byob, limit, Number(response.headers.get("content-length") ?? -1))
    : await readChunks(body.getReader(), limit);
  // `stream: true` drops a character cut in half at the cap instead of mangling
  // it (a decoder of its own then: it keeps the half).
  const text = truncated
    ? new TextDecoder().decode(bytes, { stream: true })
    : (utf8 ??= new TextDecoder()).decode(bytes);
  return { text: truncated ? `${text}… (truncated at ${limit} bytes)` : text, truncated };
}

/**
 * Reads a byte stream into one buffer, grown as needed (sized from
 * `Content-Length` at first, at most 1 MiB of it; 4 KiB without one): no
 * buffer per read (a default read of a Deno fetch body allocates 64 KiB), none
 * to join them. Reads one byte past `limit` to tell a body over it.
 */
async function readInto(
  reader: ReadableStreamBYOBReader,
  limit: number,
  announced: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const most = limit + 1;
  // One byte more than announced, so the read that finds the end has room.
  const first = announced >= 0 ? Math.min(Math.max(announced + 1, 256), 1024 * 1024) : 4096;
  let buffer = new ArrayBuffer(Math.min(most, first));
  let size = 0;
  let truncated = false;
  try {
    while (true) {
      if (size === buffer.byteLength) {
        if (size === most) break;
        const bigger = new ArrayBuffer(Math.min(most, size * 2));
        new Uint8Array(bigger).set(new Uint8Array(buffer));
        buffer = bigger;
      }
      const { done, value } = await reader.read(new Uint8Array(buffer, size));
      // The buffer comes back in the view (moved, not copied); none after a cancel.
      if (value === undefined) return { bytes: new Uint8Array(0), truncated: false };
      buffer = value.buffer as ArrayBuffer;
      if (done) break;
      size += value.byteLength;
    }
    truncated = size > limit;
  } finally {
    if (truncated) reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  return { bytes: new Uint8Array(buffer, 0, Math.min(size, limit)), truncated };
}

/** Reads a stream of chunks, keeping at most `limit` bytes, and joins them. */
async function readChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        size = limit;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  if (chunks.length === 1) return { bytes: chunks[0]!, truncated };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}

/** What one 2xx answer carried: the checked `data`, and the envelope's notices. */
interface Answer {
  data: unknown;
  messages: ResponseMessage[];
}

/**
 * Reads a 2xx body: unwraps the envelope and checks the result against what the
 * call expects. Anything else is an {@linkcode InferenceError} naming the call,
 * never a `TypeError` later or an `undefined` the caller did not expect.
 */
async function readEnvelope(
  response: Response,
  call: Pick<ApiCall, "action" | "expect" | "context">,
): Promise<Answer> {
  const expect = call.expect ?? "any";
  const none: Answer = { data: undefined, messages: [] };
  if (expect === "none") {
    await response.body?.cancel();
    return none;
  }
  const { status } = response;
  const fail = (said: string, body?: string, cause?: unknown): InferenceError =>
    new InferenceError(`Cannot ${call.action}: the API answered ${status} with ${said}`, {
      status,
      body,
      cause,
      ...call.context,
    });
  const type = response.headers.get("content-type") ?? "";
  // A body that says it is not JSON is read like an error body: 1 MiB at most.
  const textual = type !== "" && !/json/i.test(type);
  const { text, truncated } = await readCapped(
    response,
    textual ? MAX_ERROR_BODY_BYTES : MAX_JSON_BODY_BYTES,
  );
  if (text.trim() === "") {
    if (expect === "any") return none;
    throw fail("an empty body");
  }
  if (truncated && !textual) {
    throw fail(`a body larger than ${MAX_JSON_BODY_BYTES} bytes`, excerpt(text, 1000));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw fail(`a body that is not JSON: ${excerpt(text, 200)}`, text, cause);
  }
  const object = isObject(parsed) ? parsed : undefined;
  if (object?.success === false) {
    const error = isObject(object.error) ? object.error : undefined;
    const message = typeof error?.message === "string"
      ? error.message
      : typeof object.error === "string"
      ? object.error
      : "success: false";
    throw fail(`a failure: ${excerpt(message, 300)}`, text);
  }
  const enveloped = object !== undefined && isEnvelope(object);
  const data = enveloped ? object.data : parsed;
  const messages = enveloped && Array.isArray(object.messages)
    ? (object.messages as unknown[]).filter(isObject) as ResponseMessage[]
    : [];
  switch (expect) {
    case "array":
      if (data === null) return { data: [], messages };
      if (!Array.isArray(data)) throw fail(`${describeValue(data)} where a list was due`, text);
      break;
    case "object":
    case "object-with-id":
      if (!isObject(data)) throw fail(`${describeValue(data)} where an object was due`, text);
      if (expect === "object-with-id" && (typeof data.id !== "string" || data.id === "")) {
        throw fail("an object without an id", text);
      }
  }
  return { data, messages };
}

/**
 * Unwraps `{data, messages}`. Only an object whose keys are `data` plus at most
 * envelope members counts as an envelope, so a bare DTO that merely has a `data`
 * field is returned whole.
 */
export function unwrapEnvelope(value: unknown): unknown {
  return isObject(value) && isEnvelope(value) ? value.data : value;
}

const ENVELOPE_KEYS = new Set(["data", "messages", "success", "status", "error"]);

function isEnvelope(value: Record<string, unknown>): boolean {
  return "data" in value && Object.keys(value).every((key) => ENVELOPE_KEYS.has(key));
}

/** Whether `value` is an object and not an array (nor `null`): a JSON object, as parsed. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `${typeof value === "object" ? "an" : "a"} ${typeof value}`;
}

/** Hands the envelope's notices to `onMessage`; what it throws never fails the call. */
function notify(
  onMessage: ((messages: ResponseMessage[], context: { action: string }) => void) | undefined,
  messages: ResponseMessage[],
  action: string,
): void {
  try {
    onMessage?.(messages, { action });
  } catch {
    // A notice must not turn a call that succeeded (a task created) into a failure.
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `the connection failed (${error.message}${cause})`;
  }
  return "the connection failed";
}
