/**
 * `/sessions` endpoints (docs/protocol.md §8.2): list the active sessions, read one,
 * keep one alive, end one.
 *
 * @module
 */

import { noContent, ok } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import { sessionProblem, unusableSession } from "./run_session.ts";

function notFound(id: string): Response {
  return sessionProblem(
    404,
    "SESSION_NOT_FOUND",
    "Session not found",
    `session ${id} does not exist`,
  );
}

function list(context: RouteContext): Response {
  const { sessions } = context.state;
  return ok(sessions.active().map((record) => sessions.dto(record)));
}

function read(context: RouteContext): Response {
  const id = context.params["id"] ?? "";
  const record = context.state.sessions.get(id);
  return record ? ok(context.state.sessions.dto(record)) : notFound(id);
}

function keepalive(context: RouteContext): Response {
  const id = context.params["id"] ?? "";
  const { sessions } = context.state;
  const record = sessions.get(id);
  const unusable = unusableSession(id, record);
  if (unusable || !record) return unusable as Response;
  sessions.keepalive(record);
  return ok(sessions.dto(record));
}

/** Ends an active session; ending an ended or expired one again changes nothing (204 too). */
function end(context: RouteContext): Response {
  const id = context.params["id"] ?? "";
  const record = context.state.sessions.get(id);
  if (!record) return notFound(id);
  context.state.sessions.end(record);
  return noContent();
}

/** Session routes. */
export const sessionRoutes: readonly Route[] = [
  { method: "GET", path: "/sessions", handle: list },
  { method: "GET", path: "/sessions/:id", handle: read },
  { method: "POST", path: "/sessions/:id/keepalive", handle: keepalive },
  { method: "DELETE", path: "/sessions/:id", handle: end },
];
