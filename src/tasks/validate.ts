/**
 * Checks a task request before anything is sent, so a mistake costs no request
 * and the error names the field at fault.
 *
 * @module
 */

import type { ApiTaskRequest } from "./types.ts";

const INFRA = ["cloud", "private", "private_first"];

/** Throws a `TypeError` or `RangeError` naming the first bad field of `params`. */
export function validateTaskRequest(params: ApiTaskRequest): void {
  const fail = (field: string, problem: string, value: unknown): never => {
    throw new TypeError(`Cannot run task: '${field}' ${problem}: got ${describe(value)}`);
  };
  if (!isPlainObject(params)) fail("params", "must be an object like { app, input }", params);
  const { app, input, setup, infra, session } = params;
  if (typeof app !== "string" || app.trim() === "") {
    fail("app", 'must be a non-empty app reference like "namespace/name"', app);
  }
  if (!isPlainObject(input)) fail("input", "must be an object", input);
  if (setup !== undefined && !isPlainObject(setup)) fail("setup", "must be an object", setup);
  if (infra !== undefined && !INFRA.includes(infra)) {
    fail("infra", `must be one of ${INFRA.map((i) => `"${i}"`).join(", ")}`, infra);
  }
  if (session !== undefined && (typeof session !== "string" || session.trim() === "")) {
    fail("session", 'must be "new" or a session id', session);
  }
  const timeout = params.session_timeout;
  if (timeout !== undefined) {
    if (session !== "new") {
      fail("session_timeout", 'is only allowed with session: "new"', timeout);
    }
    if (
      typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600
    ) {
      throw new RangeError(
        `Cannot run task: 'session_timeout' must be a whole number of seconds from 1 to 3600: got ${
          describe(timeout)
        }`,
      );
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "object") return "an object";
  return String(value);
}
