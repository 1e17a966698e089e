/**
 * CORS, so browser tests can call the emulator: every JS call preflights because
 * clients send `Content-Type: application/json` even on GET (docs/protocol.md §10 Q8).
 *
 * @module
 */

const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "Accept",
  "X-Client-Source",
  "x-inf-target-url",
];

/** The `204` answer to an `OPTIONS` preflight. */
export function preflight(request: Request): Response {
  // Also allow whatever else the page asks for: the API accepts unknown headers.
  const requested = request.headers.get("access-control-request-headers");
  const headers = requested ? [...ALLOWED_HEADERS, requested] : ALLOWED_HEADERS;
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
      "access-control-allow-headers": headers.join(", "),
      "access-control-max-age": "86400",
    },
  });
}

/** Adds the headers every response carries; returns the same response. */
export function withCors(response: Response): Response {
  response.headers.set("access-control-allow-origin", "*");
  // Retry-After and the rate-limit headers are not CORS-safelisted; without this
  // a browser client cannot honour them.
  response.headers.set(
    "access-control-expose-headers",
    "Retry-After, X-RateLimit-Remaining, X-RateLimit-Reset",
  );
  return response;
}
