/**
 * `POST /apps/run` and `POST /run`: validate, create a task in status 1, start
 * driving it, and answer at once or, with `wait: true`, when it ends
 * (docs/protocol.md §4.1, §4.2).
 *
 * @module
 */

import type { Task } from "../../tasks/types.ts";
import type { EmulatedApp } from "../apps/app.ts";
import { parseAppReference } from "../apps/registry.ts";
import { invalidField, parseJsonObject } from "../http/body.ts";
import { ok, problem } from "../http/responses.ts";
import { EMULATOR_TEAM_ID, EMULATOR_USER_ID, shortId } from "../ids.ts";
import type { Route, RouteContext } from "../http/router.ts";
import { checkSessionParams, joinSession, onWorker } from "../sessions/run_session.ts";
import { timestamp } from "../state.ts";
import { startTask } from "./task_runner.ts";
import { slimResult, waitForEnd } from "./wait_result.ts";

const INFRAS = ["cloud", "private", "private_first"];

function optionalString(body: Record<string, unknown>, field: string): Response | undefined {
  const value = body[field];
  if (value === undefined || value === null || typeof value === "string") return undefined;
  return invalidField(field, `field "${field}" must be a string`);
}

function findApp(context: RouteContext, body: Record<string, unknown>): EmulatedApp | Response {
  const reference = body["app"];
  if (typeof reference === "string" && reference !== "") {
    const app = context.state.apps.byName(parseAppReference(reference).name);
    if (app) return app;
    return problem({
      status: 404,
      code: "APP_NOT_FOUND",
      title: "App not found",
      detail: `app ${reference} does not exist`,
    });
  }
  const app = context.state.apps.byId(String(body["app_id"]));
  if (app) return app;
  return problem({
    status: 404,
    code: "APP_NOT_FOUND",
    title: "App not found",
    detail: `app ${String(body["app_id"])} does not exist`,
  });
}

function validate(body: Record<string, unknown>): Response | undefined {
  const app = body["app"];
  // `app_id` is the documented alternative to `app` (docs/protocol.md §4.1).
  const hasAppId = typeof body["app_id"] === "string" && body["app_id"] !== "";
  if (!(typeof app === "string" && app !== "") && !(app === undefined && hasAppId)) {
    return invalidField("app", `field "app" is required and must be a non-empty string`);
  }
  if (!("input" in body) || body["input"] === undefined) {
    return invalidField("input", `field "input" is required`);
  }
  const infra = body["infra"];
  if (infra !== undefined && infra !== null && !INFRAS.includes(infra as string)) {
    return invalidField(
      "infra",
      `field "infra" must be one of ${INFRAS.map((i) => `"${i}"`).join(", ")}, got ${
        JSON.stringify(infra)
      }`,
    );
  }
  for (const field of ["variant", "function", "webhook"]) {
    const invalid = optionalString(body, field);
    if (invalid) return invalid;
  }
  const wait = body["wait"];
  if (wait !== undefined && wait !== null && typeof wait !== "boolean") {
    return invalidField("wait", `field "wait" must be a boolean`);
  }
  return checkSessionParams(body);
}

/**
 * Creates and starts the task. `slim`: answer the slim result (`POST /run`)
 * rather than the TaskDTO; either way `wait: true` holds the answer until the
 * task ends (docs/protocol.md §4.2).
 */
function run(context: RouteContext, slim: boolean): Response | Promise<Response> {
  const parsed = parseJsonObject(context.text);
  if (!parsed.ok) return parsed.response;
  const body = parsed.value;
  const invalid = validate(body);
  if (invalid) return invalid;
  const app = findApp(context, body);
  if (app instanceof Response) return app;
  const missing = app.requirements?.(body) ?? [];
  if (missing.length > 0) {
    return problem({
      status: 412,
      code: "REQUIREMENTS_NOT_MET",
      title: "Requirements not met",
      detail: `app requires ${missing.length} missing ${
        missing.length === 1 ? "requirement" : "requirements"
      }`,
      extensions: { errors: missing },
    });
  }
  const lease = joinSession(context.state, body, app);
  if (lease instanceof Response) return lease;

  const { state } = context;
  const id = state.ids.next("task");
  const now = timestamp(state.clock);
  const reference = typeof body["app"] === "string" ? parseAppReference(body["app"]) : undefined;
  const task: Task = {
    id,
    "short_id": shortId(id),
    "created_at": now,
    "updated_at": now,
    "user_id": EMULATOR_USER_ID,
    "team_id": EMULATOR_TEAM_ID,
    visibility: "private",
    "is_featured": false,
    "user_public_key": "",
    "engine_public_key": "",
    status: 1,
    "app_id": app.id,
    "app_version_id": app.versionId,
    "app_variant": (body["variant"] as string | undefined) || "default",
    function: (body["function"] as string | undefined) || reference?.function || "run",
    infra: (body["infra"] as string | undefined) ?? "cloud",
    workers: [],
    setup: (body["setup"] as Record<string, unknown> | undefined) ?? {},
    input: body["input"],
    output: null,
    error: "",
    rating: "unrated",
    events: [],
    logs: [],
    "usage_events": [],
    ...(typeof body["webhook"] === "string" ? { webhook: body["webhook"] } : {}),
    ...lease.fields,
  };
  if (lease.session) lease.session.taskId = id;
  const record = state.tasks.add(task);
  // Serialise now: the reply must show status 1 whatever the runner does next.
  const response = slim ? ok(slimResult(task)) : ok(task);
  // Subscribe before the runner starts, so not even a synchronous end is missed.
  // `wait` in the body, or as the query parameter the REST docs show (`?wait=false`).
  const query = context.url.searchParams.get("wait");
  const wait = typeof body["wait"] === "boolean" ? body["wait"] : query === "true";
  const ended = wait ? waitForEnd(state, id, context.request.signal) : undefined;
  // On the session's worker (or a fresh one): files readable, memory kept.
  const placed = onWorker(state, app, lease);
  startTask(state, record, placed.app, context.url.origin, placed.worker);
  return ended ?? response;
}

/** `POST /apps/run` (the TaskDTO) and `POST /run` (the slim result). */
export const runRoutes: readonly Route[] = [
  { method: "POST", path: "/apps/run", handle: (context) => run(context, false) },
  { method: "POST", path: "/run", handle: (context) => run(context, true) },
];
