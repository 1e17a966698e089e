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
 * ├── APIConnectionError (no response) ── TimeoutError
 * ├── StreamError (malformed or truncated stream)
 * ├── UploadError (a file upload failed: which step, which input field)
 * └── AgentTurnError, OutputValidationError (in src/agents/errors.ts)
 * ```
 *
 * @module
 */

/**
 * Options shared by every SDK error.
 *
 * @example
 * ```ts
 * import { InferenceError, type InferenceErrorOptions } from "@inferencesh/sdk";
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
  /** The raw response body (text), when there was one. */
  body?: string | undefined;
  /** The parsed problem body, when it was JSON. */
  problem?: Record<string, unknown> | undefined;
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
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
  /** Machine-readable code, e.g. `"SESSION_NOT_FOUND"`. */
  readonly code: string | undefined;
  /** The problem's `title`. */
  readonly title: string | undefined;
  /** The problem's `detail`. */
  readonly detail: string | undefined;
  /** The raw response body. */
  readonly body: string | undefined;
  /** The parsed problem body (RFC 9457), when the response carried one. */
  readonly problem: Record<string, unknown> | undefined;

  /** Creates an error; `options` carries the response details. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "InferenceError";
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.detail = options.detail;
    this.body = options.body;
    this.problem = options.problem;
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
export class ApiError extends InferenceError {
  /** Creates an API error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "ApiError";
  }
}

/**
 * 400: the API rejected the request as invalid.
 *
 * @example
 * ```ts
 * import { BadRequestError } from "@inferencesh/sdk";
 * console.log(new BadRequestError("bad", { status: 400 }).status);
 * ```
 */
export class BadRequestError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "BadRequestError";
  }
}

/**
 * 401: the API key is missing or not valid.
 *
 * @example
 * ```ts
 * import { AuthenticationError } from "@inferencesh/sdk";
 * console.log(new AuthenticationError("no key", { status: 401 }).status);
 * ```
 */
export class AuthenticationError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "AuthenticationError";
  }
}

/**
 * 403: the key is valid but may not do this.
 *
 * @example
 * ```ts
 * import { PermissionDeniedError } from "@inferencesh/sdk";
 * console.log(new PermissionDeniedError("no", { status: 403 }).status);
 * ```
 */
export class PermissionDeniedError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "PermissionDeniedError";
  }
}

/**
 * 404: the task, app or other resource does not exist.
 *
 * @example
 * ```ts
 * import { NotFoundError } from "@inferencesh/sdk";
 * console.log(new NotFoundError("gone", { status: 404 }).status);
 * ```
 */
export class NotFoundError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/**
 * 409: the request conflicts with the resource's current state.
 *
 * @example
 * ```ts
 * import { ConflictError } from "@inferencesh/sdk";
 * console.log(new ConflictError("busy", { status: 409 }).status);
 * ```
 */
export class ConflictError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "ConflictError";
  }
}

/**
 * 410: the resource existed but is gone for good.
 *
 * @example
 * ```ts
 * import { GoneError } from "@inferencesh/sdk";
 * console.log(new GoneError("gone", { status: 410 }).status);
 * ```
 */
export class GoneError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "GoneError";
  }
}

/**
 * One unmet requirement of an app: a secret, integration or scope to add.
 *
 * @example
 * ```ts
 * import type { RequirementError } from "@inferencesh/sdk";
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
 * `errors` lists them verbatim, each with the action that fixes it.
 *
 * @example
 * ```ts
 * import { RequirementsNotMetError } from "@inferencesh/sdk";
 * const error = new RequirementsNotMetError("missing", [
 *   { type: "secret", key: "OPENAI_API_KEY", message: "Secret OPENAI_API_KEY is required" },
 * ], { status: 412 });
 * console.log(error.errors[0]?.key);
 * ```
 */
export class RequirementsNotMetError extends ApiError {
  /** The unmet requirements, as the API sent them. */
  readonly errors: RequirementError[];

  /** Creates the error. */
  constructor(message: string, errors: RequirementError[], options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "RequirementsNotMetError";
    this.errors = errors;
  }
}

/**
 * 422: the request was well-formed but could not be processed.
 *
 * @example
 * ```ts
 * import { UnprocessableEntityError } from "@inferencesh/sdk";
 * console.log(new UnprocessableEntityError("no", { status: 422 }).status);
 * ```
 */
export class UnprocessableEntityError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "UnprocessableEntityError";
  }
}

/**
 * 429: too many requests. Raised once the retries are spent (or when the server
 * asked for a longer wait than the SDK will sleep).
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@inferencesh/sdk";
 * const error = new RateLimitError("slow down", 2000, { status: 429 });
 * console.log(error.retryAfterMs); // 2000
 * ```
 */
export class RateLimitError extends ApiError {
  /** How long the server asked to wait, from `Retry-After`, if it said. */
  readonly retryAfterMs: number | undefined;

  /** Creates the error. */
  constructor(
    message: string,
    retryAfterMs: number | undefined,
    options: InferenceErrorOptions = {},
  ) {
    super(message, options);
    this.name = "RateLimitError";
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * 5xx: the API failed. Raised once the retries are spent.
 *
 * @example
 * ```ts
 * import { InternalServerError } from "@inferencesh/sdk";
 * console.log(new InternalServerError("oops", { status: 503 }).status);
 * ```
 */
export class InternalServerError extends ApiError {
  /** Creates the error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "InternalServerError";
  }
}

/**
 * Options of the session errors: the id of the session at fault.
 *
 * @example
 * ```ts
 * import { SessionExpiredError, type SessionErrorOptions } from "@inferencesh/sdk";
 * const options: SessionErrorOptions = { status: 410, sessionId: "sess_1" };
 * console.log(new SessionExpiredError("idle", options).sessionId);
 * ```
 */
export interface SessionErrorOptions extends InferenceErrorOptions {
  /** The session the request named. */
  sessionId?: string | undefined;
}

/**
 * 404 `SESSION_NOT_FOUND`: no session has this id.
 *
 * @example
 * ```ts
 * import { SessionNotFoundError } from "@inferencesh/sdk";
 * console.log(new SessionNotFoundError("no", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionNotFoundError extends NotFoundError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "SessionNotFoundError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 410 `SESSION_EXPIRED`: the session's idle timeout elapsed.
 *
 * @example
 * ```ts
 * import { SessionExpiredError } from "@inferencesh/sdk";
 * console.log(new SessionExpiredError("idle", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionExpiredError extends GoneError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "SessionExpiredError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 410 `SESSION_ENDED`: the session was ended.
 *
 * @example
 * ```ts
 * import { SessionEndedError } from "@inferencesh/sdk";
 * console.log(new SessionEndedError("ended", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class SessionEndedError extends GoneError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "SessionEndedError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 409 `WORKER_LEASED`: the worker is bound to another session.
 *
 * @example
 * ```ts
 * import { WorkerLeasedError } from "@inferencesh/sdk";
 * console.log(new WorkerLeasedError("busy", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class WorkerLeasedError extends ConflictError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "WorkerLeasedError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 400 `APP_MISMATCH`: the session belongs to another app.
 *
 * @example
 * ```ts
 * import { AppMismatchError } from "@inferencesh/sdk";
 * console.log(new AppMismatchError("other app", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class AppMismatchError extends BadRequestError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "AppMismatchError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 400 `VERSION_MISMATCH`: the app's version changed since the session began.
 *
 * @example
 * ```ts
 * import { VersionMismatchError } from "@inferencesh/sdk";
 * console.log(new VersionMismatchError("new version", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class VersionMismatchError extends BadRequestError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "VersionMismatchError";
    this.sessionId = options.sessionId;
  }
}

/**
 * 500 `WORKER_LOST`: the session's worker went away.
 *
 * @example
 * ```ts
 * import { WorkerLostError } from "@inferencesh/sdk";
 * console.log(new WorkerLostError("lost", { sessionId: "sess_1" }).sessionId);
 * ```
 */
export class WorkerLostError extends InternalServerError {
  /** The session the request named. */
  readonly sessionId: string | undefined;
  /** Creates the error. */
  constructor(message: string, options: SessionErrorOptions = {}) {
    super(message, options);
    this.name = "WorkerLostError";
    this.sessionId = options.sessionId;
  }
}

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
  return error instanceof SessionNotFoundError || error instanceof SessionExpiredError ||
    error instanceof SessionEndedError || error instanceof WorkerLeasedError ||
    error instanceof AppMismatchError || error instanceof VersionMismatchError ||
    error instanceof WorkerLostError;
}

/**
 * No response arrived: the connection failed, was refused or broke.
 *
 * @example
 * ```ts
 * import { APIConnectionError } from "@inferencesh/sdk";
 * const error = new APIConnectionError("Cannot reach the API", { cause: new TypeError("fetch failed") });
 * console.log(error.message);
 * ```
 */
export class APIConnectionError extends InferenceError {
  /** Creates the error; `cause` holds the runtime's own error. */
  constructor(message: string, options: InferenceErrorOptions = {}) {
    super(message, options);
    this.name = "APIConnectionError";
  }
}

/**
 * Which wait ran out: a whole JSON `request`, the `connect` of a stream (until its
 * headers arrive), or `idle` silence on an open stream (no line, not even a heartbeat).
 *
 * @example
 * ```ts
 * import type { TimeoutPhase } from "@inferencesh/sdk";
 * const phase: TimeoutPhase = "idle";
 * ```
 */
export type TimeoutPhase = "request" | "connect" | "idle";

/**
 * A deadline passed. `phase` says which one.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@inferencesh/sdk";
 * const error = new TimeoutError("Cannot read task stream: silent for 30000 ms", "idle", 30_000);
 * console.log(error.phase, error.timeoutMs);
 * ```
 */
export class TimeoutError extends APIConnectionError {
  /** Which wait ran out. */
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /** Creates the error. */
  constructor(
    message: string,
    phase: TimeoutPhase,
    timeoutMs: number,
    options: InferenceErrorOptions = {},
  ) {
    super(message, options);
    this.name = "TimeoutError";
    this.phase = phase;
    this.timeoutMs = timeoutMs;
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
    this.name = "StreamError";
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
 * import type { UploadStep } from "@inferencesh/sdk";
 * const step: UploadStep = "upload";
 * ```
 */
export type UploadStep = "create" | "upload";

/**
 * A file upload failed, after the retries its step allows. `step` says which
 * step; `cause` holds that step's own error (an {@linkcode ApiError} subclass,
 * {@linkcode APIConnectionError} or {@linkcode TimeoutError}), whose `status`
 * and `code` are copied here. For an upload `tasks.run` made from its input,
 * `field` names the value, e.g. `input.images[1]`.
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
    step: UploadStep,
    options: InferenceErrorOptions & { field?: string | undefined } = {},
  ) {
    super(message, options);
    this.name = "UploadError";
    this.step = step;
    this.field = options.field;
  }
}
