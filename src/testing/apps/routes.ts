/**
 * `GET /apps/{namespace}/{name}` (optionally `@version`) and `GET /apps/{id}`:
 * an app as the API returns it (`AppDTO` with its current `version`), with the
 * schemas, functions, variants and required secrets of {@linkcode AppSchema}.
 *
 * @module
 */

import { EMULATOR_TEAM_ID, EMULATOR_USER_ID } from "../ids.ts";
import { ok, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import type { EmulatedApp } from "./app.ts";
import { type AppSchema, BUILT_IN_SCHEMAS } from "./schemas.ts";

const OPEN = { type: "object", properties: {}, additionalProperties: true };
const RESOURCES = { gpu: { count: 0, vram: 0, type: "none" }, ram: 0 };
/** Apps do not change while an emulator runs: one fixed creation time. */
const CREATED = "2026-01-01T00:00:00.000Z";

/** The AppDTO of `app`. */
export function appDto(app: EmulatedApp, now: string = CREATED): Record<string, unknown> {
  const schema: AppSchema = app.schema ?? BUILT_IN_SCHEMAS[app.name] ?? {};
  const [namespace, name] = app.name.split("/") as [string, string];
  const defaultFunction = schema.defaultFunction ?? "run";
  const functions: Record<string, unknown> = {
    [defaultFunction]: {
      name: defaultFunction,
      description: schema.description ?? "",
      "input_schema": schema.input ?? OPEN,
      "output_schema": schema.output ?? OPEN,
    },
  };
  for (const [fn, spec] of Object.entries(schema.functions ?? {})) {
    functions[fn] = {
      name: fn,
      description: spec.description ?? "",
      "input_schema": spec.input ?? OPEN,
      "output_schema": spec.output ?? OPEN,
    };
  }
  const variants = Object.fromEntries(
    (schema.variants ?? ["default"]).map((variant, order) => [variant, {
      name: variant,
      order,
      resources: RESOURCES,
      env: {},
      python: "3.12",
    }]),
  );
  return {
    id: app.id,
    "created_at": now,
    "updated_at": now,
    "user_id": EMULATOR_USER_ID,
    "team_id": EMULATOR_TEAM_ID,
    visibility: "public",
    namespace,
    name,
    description: schema.description ?? "",
    "agent_description": "",
    category: "other",
    images: { card: "", thumbnail: "", banner: "" },
    "version_id": app.versionId,
    version: {
      id: app.versionId,
      "created_at": now,
      "updated_at": now,
      metadata: {},
      repository: "",
      "setup_schema": schema.setup ?? { type: "object", properties: {} },
      "input_schema": schema.input ?? OPEN,
      "output_schema": schema.output ?? OPEN,
      functions,
      "default_function": defaultFunction,
      variants,
      env: {},
      kernel: "python",
      "required_secrets": (schema.requiredSecrets ?? []).map((secret) => ({
        key: secret.key,
        description: secret.description ?? "",
        optional: secret.optional ?? false,
      })),
      "required_integrations": [],
      resources: RESOURCES,
    },
  };
}

function notFound(what: string): Response {
  return problem({
    status: 404,
    code: "APP_NOT_FOUND",
    title: "App not found",
    detail: `app ${what} does not exist`,
  });
}

function byName(context: RouteContext): Response {
  const namespace = context.params["namespace"] ?? "";
  const name = (context.params["name"] ?? "").split("@")[0] ?? "";
  const app = context.state.apps.byName(`${namespace}/${name}`);
  return app ? ok(appDto(app)) : notFound(`${namespace}/${name}`);
}

function byId(context: RouteContext): Response {
  const id = context.params["id"] ?? "";
  // `/apps/run` is the run endpoint, not an app: GET there is a wrong method.
  if (id === "run") {
    return problem({
      status: 405,
      detail: `GET is not allowed on ${context.url.pathname}`,
      headers: { allow: "POST" },
    });
  }
  const app = context.state.apps.byId(id);
  return app ? ok(appDto(app)) : notFound(id);
}

/** `GET /apps/{namespace}/{name}`, `GET /apps/{id}`. */
export const appRoutes: readonly Route[] = [
  { method: "GET", path: "/apps/:namespace/:name", handle: byName },
  { method: "GET", path: "/apps/:id", handle: byId },
];
