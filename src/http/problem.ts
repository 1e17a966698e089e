/**
 * Turns an error response (RFC 9457 problem details, or whatever else the server
 * or a proxy sent) into the matching class of the error tree.
 *
 * @module
 */

import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type ErrorContext,
  excerpt,
  GoneError,
  type InferenceErrorOptions,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequirementError,
  RequirementsNotMetError,
  SESSION_ERRORS,
  UnprocessableEntityError,
} from "../errors.ts";

/** What is known about a failed response. */
export interface FailedResponse {
  /** What the caller tried, for the message: e.g. `run task "infsh/echo"`. */
  action: string;
  status: number;
  body: string;
  /** From `Retry-After` (or `X-RateLimit-Reset`), when present. */
  retryAfterMs?: number | undefined;
}

/** The error class of each status, when the problem's code names no session error. */
const STATUS_ERRORS: Readonly<Record<number, typeof ApiError>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  422: UnprocessableEntityError,
};

/**
 * Builds the typed error for a non-2xx response. The message reads
 * `Cannot <action>: <detail> (<status> <code>)`.
 */
export function errorFromResponse(failed: FailedResponse, context: ErrorContext = {}): ApiError {
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
  const options: InferenceErrorOptions = {
    status,
    code,
    title,
    detail,
    body,
    problem,
    ...context,
  };

  const sessionClass = code === undefined ? undefined : SESSION_ERRORS[code.toUpperCase()];
  if (sessionClass) return new sessionClass(message, options);
  if (status === 412 && Array.isArray(problem?.errors)) {
    const errors = problem.errors as RequirementError[];
    const first = errors[0]?.message;
    return new RequirementsNotMetError(
      `Cannot ${action}: ${typeof first === "string" ? first : "requirements not met"} (412${
        code ? ` ${code}` : ""
      })`,
      { ...options, errors },
    );
  }
  if (status === 429) {
    return new RateLimitError(message, { ...options, retryAfterMs: failed.retryAfterMs });
  }
  const statusClass = STATUS_ERRORS[status] ?? (status >= 500 ? InternalServerError : ApiError);
  return new statusClass(message, options);
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
