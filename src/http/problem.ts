/**
 * Turns an error response (RFC 9457 problem details, or whatever else the server
 * or a proxy sent) into the matching class of the error tree.
 *
 * @module
 */

import {
  ApiError,
  AppMismatchError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  excerpt,
  GoneError,
  type InferenceErrorOptions,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequirementError,
  RequirementsNotMetError,
  SessionEndedError,
  type SessionErrorOptions,
  SessionExpiredError,
  SessionNotFoundError,
  UnprocessableEntityError,
  VersionMismatchError,
  WorkerLeasedError,
  WorkerLostError,
} from "../errors.ts";

/** What is known about a failed response. */
export interface FailedResponse {
  /** What the caller tried, for the message: e.g. `run task "infsh/echo"`. */
  action: string;
  status: number;
  body: string;
  /** From `Retry-After`, when present. */
  retryAfterMs?: number | undefined;
  /** The session the request named, for session errors. */
  sessionId?: string | undefined;
}

type SessionErrorClass = new (message: string, options: SessionErrorOptions) => ApiError;

const SESSION_ERRORS: Record<string, SessionErrorClass> = {
  "SESSION_NOT_FOUND": SessionNotFoundError,
  "SESSION_EXPIRED": SessionExpiredError,
  "SESSION_ENDED": SessionEndedError,
  "WORKER_LEASED": WorkerLeasedError,
  "APP_MISMATCH": AppMismatchError,
  "VERSION_MISMATCH": VersionMismatchError,
  "WORKER_LOST": WorkerLostError,
};

/**
 * Builds the typed error for a non-2xx response. The message reads
 * `Cannot <action>: <detail> (<status> <code>)`.
 */
export function errorFromResponse(failed: FailedResponse): ApiError {
  const { action, status, body } = failed;
  const problem = parseObject(body);
  const code = problemCode(problem);
  const title = stringMember(problem, "title");
  const detail = stringMember(problem, "detail") ??
    stringMember(problem, "message") ?? legacyMessage(problem);
  const said = detail ?? title ?? (problem ? undefined : body.trim() || undefined);
  const message = `Cannot ${action}: ${said ? excerpt(said, 300) : "the API answered an error"} (${
    [status, code].filter((part) => part !== undefined).join(" ")
  })`;
  const options: InferenceErrorOptions = { status, code, title, detail, body, problem };

  const sessionClass = code === undefined ? undefined : SESSION_ERRORS[code.toUpperCase()];
  if (sessionClass) return new sessionClass(message, { ...options, sessionId: failed.sessionId });
  if (status === 412 && Array.isArray(problem?.errors)) {
    const errors = problem.errors as RequirementError[];
    const first = errors[0]?.message;
    return new RequirementsNotMetError(
      `Cannot ${action}: ${typeof first === "string" ? first : "requirements not met"} (412${
        code ? ` ${code}` : ""
      })`,
      errors,
      options,
    );
  }
  switch (status) {
    case 400:
      return new BadRequestError(message, options);
    case 401:
      return new AuthenticationError(message, options);
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, options);
    case 409:
      return new ConflictError(message, options);
    case 410:
      return new GoneError(message, options);
    case 422:
      return new UnprocessableEntityError(message, options);
    case 429:
      return new RateLimitError(message, failed.retryAfterMs, options);
  }
  if (status >= 500) return new InternalServerError(message, options);
  return new ApiError(message, options);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

function stringMember(
  object: Record<string, unknown> | undefined,
  key: string,
): string | undefined {
  const value = object?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The machine code: the `code` member, else the last path segment of `type`. */
function problemCode(problem: Record<string, unknown> | undefined): string | undefined {
  const code = stringMember(problem, "code");
  if (code) return code;
  const type = stringMember(problem, "type");
  if (type && type !== "about:blank") {
    const segment = type.split(/[/#]/).filter(Boolean).pop();
    if (segment) return segment;
  }
  const legacy = problem?.error;
  if (typeof legacy === "object" && legacy !== null) {
    const legacyCode = (legacy as { code?: unknown }).code;
    if (typeof legacyCode === "string") return legacyCode;
  }
  return undefined;
}

/** The older `{"error": {"code", "message"}}` or `{"error": "..."}` (proxy) shapes. */
function legacyMessage(problem: Record<string, unknown> | undefined): string | undefined {
  const legacy = problem?.error;
  if (typeof legacy === "string") return legacy;
  if (typeof legacy === "object" && legacy !== null) {
    const message = (legacy as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return undefined;
}
