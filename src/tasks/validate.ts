/**
 * Checks a task request before anything is sent, so a mistake costs no request
 * and the error names the field at fault.
 *
 * @module
 */

import { isObject } from "../http/core.ts";
import type { ApiTaskRequest } from "./types.ts";

const INFRA = ["cloud", "private", "private_first"];

/** Throws a `TypeError` or `RangeError` naming the first bad field of `params`. */
export function validateTaskRequest(params: ApiTaskRequest<object>): void {
  const fail = (field: string, problem: string, value: unknown): never => {
    throw new TypeError(`Cannot run task: '${field}' ${problem}: got ${describe(value)}`);
  };
  if (!isObject(params)) fail("params", "must be an object like { app, input }", params);
  const { app, input, setup, infra, session } = params;
  if (typeof app !== "string" || app.trim() === "") {
    fail("app", 'must be a non-empty app reference like "namespace/name"', app);
  }
  if (!isObject(input)) fail("input", "must be an object", input);
  if (setup !== undefined && !isObject(setup)) fail("setup", "must be an object", setup);
  if (infra !== undefined && !INFRA.includes(infra)) {
    fail("infra", `must be one of ${INFRA.map((i) => `"${i}"`).join(", ")}`, infra);
  }
  if (session !== undefined && (typeof session !== "string" || session.trim() === "")) {
    fail("session", 'must be "new" or a session id', session);
  }
  if (params.webhook !== undefined) checkWebhook(params.webhook, fail);
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

/**
 * A task webhook must be an absolute `https:` URL; `http:` only to this machine
 * (`localhost`, `127.x.x.x`, `[::1]`), for local development and tests.
 */
function checkWebhook(webhook: unknown, fail: (f: string, p: string, v: unknown) => never): void {
  const problem = "must be an https: URL (http: only for localhost, 127.0.0.1 or [::1])";
  if (typeof webhook !== "string") fail("webhook", problem, webhook);
  let url: URL;
  try {
    url = new URL(webhook as string);
  } catch {
    return fail("webhook", problem, webhook);
  }
  if (url.protocol === "https:") return;
  const host = url.hostname.toLowerCase();
  const loopback = host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(host);
  if (url.protocol !== "http:" || !loopback) fail("webhook", problem, webhook);
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
