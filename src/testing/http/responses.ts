/**
 * The API's response shapes: the `{data, messages}` envelope, `204` for
 * deletes, and RFC 9457 problem details for errors (docs/protocol.md §2).
 *
 * @module
 */

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** Generic lower-case codes of the public REST overview, by status. */
const GENERIC_CODES: Readonly<Record<number, string>> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  410: "gone",
  412: "precondition_failed",
  422: "unprocessable_entity",
  429: "rate_limited",
  500: "internal_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

/** The reason phrase of an HTTP status, e.g. `"Not Found"`. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/** The generic problem code for a status, e.g. `rate_limited` for 429. */
export function genericCode(status: number): string {
  return GENERIC_CODES[status] ?? `http_${status}`;
}

/** A problem to answer with. */
export interface ProblemInit {
  status: number;
  /** Machine code; also the last segment of `type`. Defaults to the generic code of `status`. */
  code?: string | undefined;
  /** Short summary; defaults to the reason phrase. */
  title?: string | undefined;
  /** What went wrong in this occurrence. */
  detail: string;
  /** Extension members, e.g. `errors` for 412 or `field` for validation. */
  extensions?: Record<string, unknown> | undefined;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string> | undefined;
}

/** An `application/problem+json` response whose `type` URI ends in `code`. */
export function problem(init: ProblemInit): Response {
  const code = init.code ?? genericCode(init.status);
  const body = {
    type: `https://api.inference.sh/errors/${code}`,
    title: init.title ?? reasonPhrase(init.status),
    status: init.status,
    detail: init.detail,
    code,
    ...init.extensions,
  };
  return new Response(JSON.stringify(body), {
    status: init.status,
    statusText: reasonPhrase(init.status),
    headers: { "content-type": "application/problem+json", ...init.headers },
  });
}

/**
 * `200` with the success envelope `{"success": true, "data": data, "messages": []}`.
 * `success` is what the Python SDK checks before it reads `data`; clients that
 * read only `data` and `messages` ignore it (docs/protocol.md §2.2).
 */
export function ok(data: unknown): Response {
  return Response.json({ success: true, data, messages: [] });
}

/** `200` with a plain JSON body (no envelope), for the emulator's own routes. */
export function plainJson(body: unknown): Response {
  return Response.json(body);
}

/** `204 No Content`, what `DELETE` endpoints answer. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}
