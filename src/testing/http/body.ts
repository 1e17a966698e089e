/**
 * Reading JSON request bodies the way the API does: an empty body is `{}`
 * (clients send `Content-Type: application/json` with no body), anything else
 * must be a JSON object.
 *
 * @module
 */

import { problem } from "./responses.ts";

/** The body as a JSON object, or the `400` problem to answer with. */
export type JsonBody = { ok: true; value: Record<string, unknown> } | {
  ok: false;
  response: Response;
};

/** Parses `text` as a JSON object; blank text counts as `{}`. */
export function parseJsonObject(text: string): JsonBody {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      response: problem({ status: 400, detail: `request body is not valid JSON: ${reason}` }),
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      response: problem({ status: 400, detail: "request body must be a JSON object" }),
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** A `400 invalid_request` problem that names the offending field. */
export function invalidField(field: string, detail: string): Response {
  return problem({ status: 400, detail, extensions: { field } });
}
