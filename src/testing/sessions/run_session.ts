/**
 * The session rules of `POST /apps/run` (protocol §5.1, §10.4), as a stand-in
 * until sessions are emulated: `session: "new"` gets an id, any other session
 * id is unknown. Replace this file when sessions land.
 *
 * @module
 */

import type { EmulatedApp } from "../apps/app.ts";
import { invalidField } from "../http/body.ts";
import { problem } from "../http/responses.ts";
import type { EmulatorState } from "../state.ts";

/** Idle timeout of a session when `session_timeout` is not given, in seconds. */
const DEFAULT_SESSION_TIMEOUT = 60;

function invalidTimeout(detail: string): Response {
  return problem({
    status: 400,
    code: "INVALID_SESSION_TIMEOUT",
    title: "Invalid session timeout",
    detail,
    extensions: { field: "session_timeout" },
  });
}

/** Checks `session` and `session_timeout`; returns the 400 problem when they are invalid. */
export function checkSessionParams(body: Record<string, unknown>): Response | undefined {
  const session = body["session"];
  if (session !== undefined && session !== null && typeof session !== "string") {
    return invalidField("session", `field "session" must be a string ("new" or a session id)`);
  }
  const timeout = body["session_timeout"];
  if (timeout === undefined || timeout === null) return undefined;
  if (session !== "new") {
    return invalidTimeout(`"session_timeout" is only allowed with "session": "new"`);
  }
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    return invalidTimeout(
      `"session_timeout" must be an integer number of seconds in 1..3600, got ${
        JSON.stringify(timeout)
      }`,
    );
  }
  return undefined;
}

/** Session fields of the new task, or the problem to answer with. */
export function joinSession(
  state: EmulatorState,
  body: Record<string, unknown>,
  _app: EmulatedApp,
): Record<string, unknown> | Response {
  const session = body["session"];
  if (session === undefined || session === null || session === "") return {};
  if (session === "new") {
    const timeout = body["session_timeout"];
    return {
      "session_id": state.ids.next("sess"),
      "session_timeout": typeof timeout === "number" ? timeout : DEFAULT_SESSION_TIMEOUT,
    };
  }
  return problem({
    status: 404,
    code: "SESSION_NOT_FOUND",
    title: "Session not found",
    detail: `session ${String(session)} does not exist`,
  });
}
