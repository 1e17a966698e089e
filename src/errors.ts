/**
 * The SDK's error tree. Every error the SDK raises for an API, transport or stream
 * problem is an {@linkcode InferenceError}; a caller's abort is never wrapped (the
 * caller's `signal.reason` is thrown as is), and bad arguments are `TypeError`s or
 * `RangeError`s raised before any request.
 *
 * ```
 * InferenceError
 * ├── ApiError (the API answered with an error status)
 * │   ├── BadRequestError 400 ── AppMismatchError, VersionMismatchError
 * │   ├── AuthenticationError 401
 * │   ├── PermissionDeniedError 403
 * │   ├── NotFoundError 404 ── SessionNotFoundError
 * │   ├── ConflictError 409 ── WorkerLeasedError
 * │   ├── GoneError 410 ── SessionExpiredError, SessionEndedError
 * │   ├── RequirementsNotMetError 412
 * │   ├── UnprocessableEntityError 422
 * │   ├── RateLimitError 429
 * │   └── InternalServerError 5xx ── WorkerLostError
 * ├── ApiConnectionError (no response; alias APIConnectionError) ── TimeoutError
 * ├── StreamError (malformed or truncated stream)
 * ├── UploadError (a file upload failed: which step, which input field)
 * └── AgentTurnError, OutputValidationError (in src/agents/errors.ts)
 * ```
 *
 * Every field of every error the client raises (`message`, `body`, `detail`,
 * `title`, `line`, `problem`, `cause`, `stack`) is redacted of the secrets the
 * client used (see `src/http/redact.ts`). Extra fields of a subclass are passed in
 * its options object, after the message.
 *
 * @module
 */

/**
 * Options shared by every SDK error.
 *
 * @example
 * ```ts
 * import { InferenceError } from "@inferencesh/sdk";
 * import type { InferenceErrorOptions } from "@inferencesh/sdk/types";
 * const options: InferenceErrorOptions = { status: 404, code: "TASK_NOT_FOUND" };
 * console.log(new InferenceError("Cannot get task", options).code);
 * ```
 */
export interface InferenceErrorOptions extends ErrorOptions {
  /** HTTP status of the response, when there was one. */
  status?: number | undefined;
  /** Machine-readable code: the problem's `code` member, or the last segment of its `type`. */
  code?: string | undefined;
  /** The problem's `title`. */
  title?: string | undefined;
  /** The problem's `detail`. */
  detail?: string | undefined;
  /** The raw response body (text, at most 1 MiB), when there was one. */
  body?: string | undefined;
  /** The parsed problem body, when it was JSON. */
  problem?: Record<string, unknown> | undefined;
  /** The session the call named, when it named one (a session's run, `sessions.get`, …). */
  sessionId?: string | undefined;
}

/**
 * Fields a caller adds to every error of one call, e.g. the session a run names.
 *
 * @example
 * ```ts
 * import type { ErrorContext } from "@inferencesh/sdk/types";
 * const context: ErrorContext = { sessionId: "sess_1" };
 * ```
 */
export type ErrorContext = Pick<InferenceErrorOptions, "sessionId">;

/**
 * Adds `context` to an SDK error that lacks it (in place), for a caller that
 * learns the context after the call (internal).
 */
export function withContext<E>(error: E, context: ErrorContext): E {
  if (!(error instanceof InferenceError)) return error;
  for (const [key, value] of Object.entries(context)) {
    if (value !== undefined && (error as unknown as Record<string, unknown>)[key] === undefined) {
      Object.defineProperty(error, key, { value, enumerable: true, configurable: true });
    }
  }
  return error;
}

/**
 * Base class of every error the SDK raises for API, transport and stream problems.
 *
 * @example Catch any SDK error
 * ```ts
 * import { inference, InferenceError } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * try {
 *   await client.tasks.get("task_missing");
 * } catch (error) {
 *   if (error instanceof InferenceError) console.error(error.status, error.code);
 * } finally {
 *   emulator.close();
 * }
 * ```
 */
export class InferenceError extends Error {
  /** The class's name, e.g. `"RateLimitError"`. */
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  /** Machine-readable code, e.g. `"SESSION_NOT_FOUND"`. */
  readonly code: string | undefined;
  /** The problem's `title`. */
  readonly title: string | undefined;
  /** The problem's `detail`. */
  readonly detail: string | undefined;
  /** The raw response body (at most 1 MiB of it). */
  readonly body: string | undefined;
  /** The parsed problem body (RFC 9457), when the response carried one. */
  readonly problem: Record<string, unknown> | undefined;
  /** The session the call named, when it named one. */
  readonly sessionId: string | undefined;

  /** Creates an error; `options` carries the response details. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.detail = options.detail;
    this.body = options.body;
    this.problem = options.problem;
    this.sessionId = options.sessionId;
  }
}

/**
 * The API answered with an error status. Subclasses name the common statuses.
 *
 * @example
 * ```ts
 * import { ApiError } from "@inferencesh/sdk";
 * const error = new ApiError("Cannot run task: server answered 400", { status: 400 });
 * console.log(error.status); // 400
 * ```
 */
export class ApiError extends InferenceError {}

/**
 * 400: the API rejected the request as invalid.
 *
 * @example
 * ```ts
 * import { BadRequestError } from "@inferencesh/sdk";
 * console.log(new BadRequestError("bad", { status: 400 }).status);
 * ```
 */
export class BadRequestError extends ApiError {}

/**
 * 401: the API key is missing or not valid.
 *
 * @example
 * ```ts
 * import { AuthenticationError } from "@inferencesh/sdk";
 * console.log(new AuthenticationError("no key", { status: 401 }).status);
 * ```
 */
export class AuthenticationError extends ApiError {}

/**
 * 403: the key is valid but may not do this.
 *
 * @example
 * ```ts
 * import { PermissionDeniedError } from "@inferencesh/sdk";
 * console.log(new PermissionDeniedError("no", { status: 403 }).status);
 * ```
 */
export class PermissionDeniedError extends ApiError {}

/**
 * 404: the task, app or other resource does not exist.
 *
 * @example
 * ```ts
 * import { NotFoundError } from "@inferencesh/sdk";
 * console.log(new NotFoundError("gone", { status: 404 }).status);
 * ```
 */
export class NotFoundError extends ApiError {}

/**
 * 409: the request conflicts with the resource's current state.
 *
 * @example
 * ```ts
 * import { ConflictError } from "@inferencesh/sdk";
 * console.log(new ConflictError("busy", { status: 409 }).status);
 * ```
 */
export class ConflictError extends ApiError {}

/**
 * 410: the resource existed but is gone for good.
 *
 * @example
 * ```ts
 * import { GoneError } from "@inferencesh/sdk";
 * console.log(new GoneError("gone", { status: 410 }).status);
 * ```
 */
export class GoneError extends ApiError {}

/**
 * 422: the request was well-formed but could not be processed.
 *
 * @example
 * ```ts
 * import { UnprocessableEntityError } from "@inferencesh/sdk";
 * console.log(new UnprocessableEntityError("no", { status: 422 }).status);
 * ```
 */
export class UnprocessableEntityError extends ApiError {}

/**
 * 5xx: the API failed. Raised once the retries are spent.
 *
 * @example
 * ```ts
 * import { InternalServerError } from "@inferencesh/sdk";
 * console.log(new InternalServerError("oops", { status: 503 }).status);
 * ```
 */
export class InternalServerError extends ApiError {}

/**
 * One unmet requirement of an app: a secret, integration or scope to add.
 *
 * @example
 * ```ts
 * import type { RequirementError } from "@inferencesh/sdk/types";
 * const missing: RequirementError = { type: "secret", key: "OPENAI_API_KEY", message: "required" };
 * ```
 */
export interface RequirementError {
  /** `"secret"`, `"integration"` or `"scope"`. */
  type: string;
  /** The secret's name or the integration's key, e.g. `"OPENAI_API_KEY"`. */
  key: string;
  /** A sentence saying what is missing. */
  message: string;
  /** What fixes it: `add_secret`, `connect` (with provider and scopes) or `add_scopes`. */
  action?: {
    type: string;
    provider?: string | undefined;
    "provider_name"?: string | undefined;
    scopes?: string[] | undefined;
    "scope_descriptions"?: Record<string, string> | undefined;
  } | undefined;
  /** Any other field the API sent. */
  [field: string]: unknown;
}

/**
 * 412: the app needs secrets or integrations the account has not set up.
 * `errors` lists them verbatim, each with the action that fixes it. (The older
 * form `new RequirementsNotMetError(message, errors, options)` still works.)
 *
 * @example
 * ```ts
 * import { RequirementsNotMetError } from "@inferencesh/sdk";
 * const error = new RequirementsNotMetError("missing", {
 *   status: 412,
 *   errors: [{ type: "secret", key: "OPENAI_API_KEY", message: "Secret OPENAI_API_KEY is required" }],
 * });
 * console.log(error.errors[0]?.key);
 * ```
 */
export class RequirementsNotMetError extends ApiError {
  /** The unmet requirements, as the API sent them. */
  readonly errors: RequirementError[];

  /** Creates the error. */
  constructor(
    message: string,
    options?: (InferenceErrorOptions & { errors?: RequirementError[] }) | RequirementError[],
    legacyOptions?: InferenceErrorOptions,
  ) {
    const merged = Array.isArray(options) ? { ...legacyOptions, errors: options } : options ?? {};
    super(message, merged);
    this.errors = merged.errors ?? [];
  }
}

/**
 * 429: too many requests. Raised once the retries are spent (or when the server
 * asked for a longer wait than the SDK will sleep). (The older form
 * `new RateLimitError(message, retryAfterMs, options)` still works.)
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@inferencesh/sdk";
 * const error = new RateLimitError("slow down", { status: 429, retryAfterMs: 2000 });
 * console.log(error.retryAfterMs); // 2000
 * ```
 */
export class RateLimitError extends ApiError {
  /** How long the server asked to wait, from `Retry-After` or `X-RateLimit-Reset`, if it said. */
  readonly retryAfterMs: number | undefined;

  /** Creates the error. */
  constructor(
    message: string,
    options?: (InferenceErrorOptions & { retryAfterMs?: number | undefined }) | number,
    legacyOptions?: InferenceErrorOptions,
  ) {
    const merged = typeof options === "number" || options === undefined
      ? { ...legacyOptions, retryAfterMs: options }
      : options;
    super(message, merged);
    this.retryAfterMs = merged.retryAfterMs;
  }
}

/**
 * Options of the session errors: the id of the session at fault. Every
 * {@linkcode InferenceError} accepts `sessionId`; this name is kept for
 * existing code.
 *
 * @example
 * ```ts
 * import { SessionExpiredError } from "@inferencesh/sdk";
 * import type { SessionErrorOptions } from "@inferencesh/sdk/types";
 * const options: SessionErrorOptions = { status: 410, sessionId: "sess_1" };
 * console.log(new SessionExpiredError("idle", options).sessionId);
 * ```
 */
export type SessionErrorOptions = InferenceErrorOptions;

/**
 * 404 `SESSION_NOT_FOUND`: no session has this id.
 *
 * @example
 * ```ts
 * import { SessionNotFoundError } from "@inferencesh/sdk";
 * console.log(new SessionNotFoundError("no", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionNotFoundError extends NotFoundError {}

/**
 * 410 `SESSION_EXPIRED`: the session's idle timeout elapsed.
 *
 * @example
 * ```ts
 * import { SessionExpiredError } from "@inferencesh/sdk";
 * console.log(new SessionExpiredError("idle", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionExpiredError extends GoneError {}

/**
 * 410 `SESSION_ENDED`: the session was ended.
 *
 * @example
 * ```ts
 * import { SessionEndedError } from "@inferencesh/sdk";
 * console.log(new SessionEndedError("ended", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionEndedError extends GoneError {}

/**
 * 409 `WORKER_LEASED`: the worker is bound to another session.
 *
 * @example
 * ```ts
 * import { WorkerLeasedError } from "@inferencesh/sdk";
 * console.log(new WorkerLeasedError("busy", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class WorkerLeasedError extends ConflictError {}

/**
 * 400 `APP_MISMATCH`: the session belongs to another app.
 *
 * @example
 * ```ts
 * import { AppMismatchError } from "@inferencesh/sdk";
 * console.log(new AppMismatchError("other app", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class AppMismatchError extends BadRequestError {}

/**
 * 400 `VERSION_MISMATCH`: the app's version changed since the session began.
 *
 * @example
 * ```ts
 * import { VersionMismatchError } from "@inferencesh/sdk";
 * console.log(new VersionMismatchError("new version", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class VersionMismatchError extends BadRequestError {}

/**
 * 500 `WORKER_LOST`: the session's worker went away.
 *
 * @example
 * ```ts
 * import { WorkerLostError } from "@inferencesh/sdk";
 * console.log(new WorkerLostError("lost", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class WorkerLostError extends InternalServerError {}

/** The session errors, by the code the API gives them (internal). */
export const SESSION_ERRORS: Readonly<Record<string, typeof ApiError>> = {
  "SESSION_NOT_FOUND": SessionNotFoundError,
  "SESSION_EXPIRED": SessionExpiredError,
  "SESSION_ENDED": SessionEndedError,
  "WORKER_LEASED": WorkerLeasedError,
  "APP_MISMATCH": AppMismatchError,
  "VERSION_MISMATCH": VersionMismatchError,
  "WORKER_LOST": WorkerLostError,
};

/**
 * Whether an error is one of the session errors (each carries `sessionId`).
 *
 * @example
 * ```ts
 * import { isSessionError, SessionExpiredError } from "@inferencesh/sdk";
 * isSessionError(new SessionExpiredError("idle")); // true
 * ```
 */
export function isSessionError(
  error: unknown,
): error is
  | SessionNotFoundError
  | SessionExpiredError
  | SessionEndedError
  | WorkerLeasedError
  | AppMismatchError
  | VersionMismatchError
  | WorkerLostError {
  return Object.values(SESSION_ERRORS).some((type) => error instanceof type);
}

/**
 * Every session error, for `instanceof`: `error instanceof SessionError` is
 * {@linkcode isSessionError}. 0.6.x had a base class of this name; here the
 * session errors extend their status classes (a `SessionExpiredError` is a
 * `GoneError`), so this class is a test, never thrown itself.
 *
 * @example
 * ```ts
 * import { SessionError, SessionExpiredError } from "@inferencesh/sdk";
 * const error: unknown = new SessionExpiredError("idle", { sessionId: "s1" });
 * if (error instanceof SessionError) console.log(error.sessionId); // "s1"
 * ```
 */
export abstract class SessionError extends InferenceError {
  /** Whether `value` is a session error (see {@linkcode isSessionError}). */
  static override [Symbol.hasInstance](value: unknown): value is SessionError {
    return isSessionError(value);
  }
}

/**
 * No response arrived: the connection failed, was refused or broke.
 *
 * @example
 * ```ts
 * import { ApiConnectionError } from "@inferencesh/sdk";
 * const error = new ApiConnectionError("Cannot reach the API", { cause: new TypeError("fetch failed") });
 * console.log(error.message);
 * ```
 */
export class ApiConnectionError extends InferenceError {}

/**
 * The former spelling of {@linkcode ApiConnectionError}: the same class.
 *
 * @deprecated Use {@linkcode ApiConnectionError} (acronyms are words in this SDK, as in `ApiError`).
 *
 * @example
 * ```ts
 * import { APIConnectionError, ApiConnectionError } from "@inferencesh/sdk";
 * console.log(APIConnectionError === ApiConnectionError); // true
 * ```
 */
export const APIConnectionError: typeof ApiConnectionError = ApiConnectionError;
/** The former spelling of {@linkcode ApiConnectionError}. @deprecated Use `ApiConnectionError`. */
export type APIConnectionError = ApiConnectionError;

/**
 * Which wait ran out: a whole JSON `request`, the `connect` of a stream (until its
 * headers arrive), or `idle` silence on an open stream (no byte, not even a heartbeat).
 *
 * @example
 * ```ts
 * import type { TimeoutPhase } from "@inferencesh/sdk/types";
 * const phase: TimeoutPhase = "idle";
 * ```
 */
export type TimeoutPhase = "request" | "connect" | "idle";

/**
 * A deadline passed. `phase` says which one. (The older form
 * `new TimeoutError(message, phase, timeoutMs, options)` still works.)
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@inferencesh/sdk";
 * const error = new TimeoutError("Cannot read task stream: silent for 30000 ms", {
 *   phase: "idle",
 *   timeoutMs: 30_000,
 * });
 * console.log(error.phase, error.timeoutMs);
 * ```
 */
export class TimeoutError extends ApiConnectionError {
  /** Which wait ran out. */
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /** Creates the error. */
  constructor(
    message: string,
    options: (InferenceErrorOptions & { phase: TimeoutPhase; timeoutMs: number }) | TimeoutPhase,
    legacyTimeoutMs?: number,
    legacyOptions?: InferenceErrorOptions,
  ) {
    const merged = typeof options === "string"
      ? { ...legacyOptions, phase: options, timeoutMs: legacyTimeoutMs ?? 0 }
      : options;
    super(message, merged);
    this.phase = merged.phase;
    this.timeoutMs = merged.timeoutMs;
  }
}

/**
 * A stream sent something the SDK cannot read (a malformed line), or ended
 * before its final update once reconnecting was exhausted or disabled.
 *
 * @example
 * ```ts
 * import { StreamError } from "@inferencesh/sdk";
 * const error = new StreamError("Cannot parse NDJSON line", { line: "{oops" });
 * console.log(error.line);
 * ```
 */
export class StreamError extends InferenceError {
  /** An excerpt of the offending line, when a line was at fault. */
  readonly line: string | undefined;

  /** Creates a stream error; `options.line` is kept as a short excerpt. */
  constructor(
    message: string,
    options: InferenceErrorOptions & { line?: string | undefined } = {},
  ) {
    super(message, options);
    this.line = options.line === undefined ? undefined : excerpt(options.line);
  }
}

/** Shortens text for an error message, keeping its start (internal). */
export function excerpt(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/**
 * Which step of an upload failed: `"create"` is `POST /files` (the file record
 * and its upload URL), `"upload"` is the PUT of the bytes to that URL.
 *
 * @example
 * ```ts
 * import type { UploadStep } from "@inferencesh/sdk/types";
 * const step: UploadStep = "upload";
 * ```
 */
export type UploadStep = "create" | "upload";

/**
 * A file upload failed, after the retries its step allows. `step` says which
 * step; `cause` holds that step's own error (an {@linkcode ApiError} subclass,
 * {@linkcode ApiConnectionError} or {@linkcode TimeoutError}), whose `status`
 * and `code` are copied here. For an upload `tasks.run` made from its input,
 * `field` names the value, e.g. `input.images[1]`. (The older form
 * `new UploadError(message, step, options)` still works.)
 *
 * @example
 * ```ts
 * import { inference, UploadError } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator();
 * const client = inference({ apiKey: "test", fetch: emulator.fetch, maxRetries: 0 });
 * emulator.faults.failNext(503, { path: "/__storage/" });
 * try {
 *   await client.files.upload(new Uint8Array([1, 2, 3]));
 * } catch (error) {
 *   if (error instanceof UploadError) console.log(error.step, error.status); // "upload" 503
 * } finally {
 *   emulator.close();
 * }
 * ```
 */
export class UploadError extends InferenceError {
  /** The step that failed. */
  readonly step: UploadStep;
  /** Where the value was in a task's input, for uploads `tasks.run` made. */
  readonly field: string | undefined;

  /** Creates the error; pass the step's error as `cause`. */
  constructor(
    message: string,
    options:
      | (InferenceErrorOptions & { step: UploadStep; field?: string | undefined })
      | UploadStep,
    legacyOptions?: InferenceErrorOptions & { field?: string | undefined },
  ) {
    const merged = typeof options === "string" ? { ...legacyOptions, step: options } : options;
    super(message, merged);
    this.step = merged.step;
    this.field = merged.field;
  }
}

// Names live on the prototypes, set once here so that each status class stays a
// one-liner. Shorthand keys survive minifiers, which rename classes.
const NAMED: Record<string, abstract new (...args: never[]) => Error> = {
  InferenceError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  GoneError,
  RequirementsNotMetError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  SessionNotFoundError,
  SessionExpiredError,
  SessionEndedError,
  WorkerLeasedError,
  AppMismatchError,
  VersionMismatchError,
  WorkerLostError,
  ApiConnectionError,
  TimeoutError,
  StreamError,
  UploadError,
};
for (const [name, type] of Object.entries(NAMED)) {
  Object.defineProperty(type.prototype, "name", {
    value: name,
    writable: true,
    configurable: true,
  });
}
