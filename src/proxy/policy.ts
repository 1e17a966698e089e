/**
 * What the proxy forwards with the server's key: the calls a browser app
 * makes to run apps, talk to agents and upload their inputs, and nothing
 * else. Every request is matched on its decoded, normalised path against
 * {@linkcode PROXY_ENDPOINTS}; a few of those have their JSON body checked too.
 *
 * @module
 */

/**
 * One call the proxy forwards.
 *
 * @example
 * ```ts
 * import type { ProxyEndpoint } from "@inferencesh/sdk/proxy";
 * const run: ProxyEndpoint = { method: "POST", path: "/apps/run", purpose: "run an app" };
 * ```
 */
export interface ProxyEndpoint {
  /** The HTTP method. */
  readonly method: "GET" | "POST";
  /**
   * The API path, as a template: `{id}` is an API id (26 lowercase base32
   * characters), `{namespace}/{name}` an app or agent name.
   */
  readonly path: string;
  /** What a browser app uses it for. */
  readonly purpose: string;
}

/**
 * Every call the proxy forwards by default, in the official proxy's order.
 * Anything else (secrets, API keys, billing, `/me`, teams, listing or deleting
 * files, tasks or chats, creating or changing apps and agents, flows, sessions,
 * approvals, `/admin/*`) is refused with a 403 problem, whatever the options.
 *
 * @example List what the proxy forwards
 * ```ts
 * import { PROXY_ENDPOINTS } from "@inferencesh/sdk/proxy";
 * for (const { method, path, purpose } of PROXY_ENDPOINTS) console.log(method, path, purpose);
 * ```
 */
export const PROXY_ENDPOINTS: readonly ProxyEndpoint[] = Object.freeze([
  { method: "POST", path: "/apps/run", purpose: "run an app" },
  { method: "POST", path: "/files", purpose: "upload a file input of a run or message" },
  { method: "GET", path: "/tasks/{id}", purpose: "read a task" },
  { method: "GET", path: "/tasks/{id}/status", purpose: "poll a task" },
  { method: "GET", path: "/tasks/{id}/stream", purpose: "stream a task" },
  { method: "POST", path: "/tasks/{id}/cancel", purpose: "cancel a task" },
  { method: "POST", path: "/agents/run", purpose: "send a message to an agent" },
  { method: "POST", path: "/chats", purpose: "start a chat with an agent" },
  { method: "POST", path: "/chats/{id}/messages", purpose: "send a message in a chat" },
  { method: "POST", path: "/chats/{id}/agent", purpose: "hand a chat to another agent" },
  { method: "GET", path: "/agents/{namespace}/{name}", purpose: "read an agent's info" },
  { method: "GET", path: "/chats/{id}", purpose: "read a chat" },
  { method: "GET", path: "/chats/{id}/status", purpose: "poll a chat" },
  { method: "GET", path: "/chats/{id}/messages", purpose: "read a chat's messages" },
  { method: "GET", path: "/chats/{id}/stream", purpose: "stream a chat" },
  { method: "POST", path: "/chats/{id}/stop", purpose: "stop a chat" },
  { method: "POST", path: "/chats/messages/{id}/cancel", purpose: "cancel a message" },
  { method: "POST", path: "/tools/{id}", purpose: "answer a client tool call" },
].map((endpoint) => Object.freeze(endpoint as ProxyEndpoint)));

/**
 * Calls that approve what an agent does. The API takes approvals from the
 * account holder, and the proxy signs with the account's key for anyone who
 * reaches it: never forwarded, whatever the options.
 */
const APPROVALS: readonly string[] = [
  "POST /tools/{any}/invoke",
  "POST /tools/{any}/reject",
  "POST /interrupts/{any}/resolve",
  "GET /agent-runs/{any}/interrupts",
  "GET /chats/{any}/tools/{any}/always-allow/options",
  "POST /chats/{any}/tools/{any}/always-allow",
  "POST /chats/{any}/tools/{any}/explain",
  "POST /chats/{any}/settings",
];

/**
 * An API id: 26 lowercase characters of Crockford's base32 (a ULID's
 * alphabet), so that literal routes (`/tasks/stream`, `/chats/list`) are never
 * taken for one.
 */
const ID = /^[0-9a-hjkmnp-tv-z]{26}$/;
/** A namespace in a path. */
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A name in a path, with an optional `@version` and `:function`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;
/** Routes of the API under `/agents/{id}/` that are not an agent's name. */
const AGENT_SUBROUTES = new Set(["card", "versions", "rules"]);
/**
 * Characters a path segment may hold once decoded: RFC 3986's `pchar`
 * without `%`. They need no escaping, so the path forwarded is the one checked.
 */
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;

/**
 * Fields of `POST /apps/run` a visitor may never set: where and on what the
 * run happens (`workers`, `infra`, `setup`), whose session it joins
 * (`session`, `session_timeout`), whom it calls back (`webhook`), when it runs
 * (`run_at`) and what it carries for the account (`metadata`).
 */
const RUN_FIELDS_REFUSED = [
  "workers",
  "infra",
  "session",
  "session_timeout",
  "webhook",
  "run_at",
  "setup",
  "metadata",
];

/** Fields of the one file of `POST /files` that are forwarded. */
const FILE_FIELDS = ["uri", "filename", "content_type", "size"];

/** A refusal: status, problem code, why, and the option that would allow it (if one would). */
export interface Refusal {
  status: number;
  code: string;
  detail: string;
  option?: string | undefined;
}

/** A request the policy let through, so far: its route and canonical path (forwarded as checked). */
export interface RouteMatch {
  /** `"POST /apps/run"`: the endpoint's method and path template. */
  route: string;
  /** The path, decoded and normalised: what is checked is what is forwarded. */
  path: string;
  /** Whether the route's body is checked, so must be read before anything is forwarded. */
  checksBody: boolean;
  /** The `namespace/name` a path names (`GET /agents/{namespace}/{name}`). */
  ref: string | undefined;
}

/** The compiled `allowedEndpoints` and upload limit. */
export interface Policy {
  /** `undefined`: every app and agent the key can run. */
  patterns: readonly Pattern[] | undefined;
  maxUploadBytes: number;
}

interface Pattern {
  source: string;
  name: RegExp;
  /** A pinned version (`ns/name@v2`), or undefined for every version. */
  version: string | undefined;
  /** With `exactRefs`: only this very ref (no version but this one, no function, no type prefix). */
  exact: boolean;
}

/**
 * Compiles `allowedEndpoints`: `namespace/name` globs, where `*` stands for any
 * characters within one segment (`ana/*`: every app and agent of `ana`), and
 * an optional `@version` pins the version.
 *
 * @throws {TypeError} For a pattern that is not of that shape.
 */
export function compilePatterns(
  patterns: unknown,
  exactRefs = false,
): readonly Pattern[] | undefined {
  if (patterns === undefined) return undefined;
  if (!Array.isArray(patterns)) {
    throw new TypeError(
      `Cannot create proxy: 'allowedEndpoints' must be an array of "namespace/name" patterns`,
    );
  }
  if (patterns.length === 0) return undefined;
  return patterns.map((pattern: unknown) => {
    const ref = typeof pattern === "string" ? parseRef(pattern) : undefined;
    if (
      ref === undefined || ref.type !== undefined || ref.fn !== undefined ||
      `${ref.namespace}/${ref.name}${ref.version === undefined ? "" : `@${ref.version}`}` !==
        pattern ||
      ref.version?.includes("*")
    ) {
      throw new TypeError(
        `Cannot create proxy: 'allowedEndpoints' entry ${
          JSON.stringify(pattern)
        } is not a namespace/name pattern (e.g. "ana/helper", "ana/*" or "ana/helper@v2")`,
      );
    }
    if (exactRefs && (pattern as string).includes("*")) {
      throw new TypeError(
        `Cannot create proxy: 'allowedEndpoints' entry ${
          JSON.stringify(pattern)
        } is not an app or agent ref, which exactRefs needs (e.g. "ana/helper" or "ana/helper@v2")`,
      );
    }
    const glob = `${ref.namespace}/${ref.name}`.split("*").map(escapeRegExp).join("[^/]*");
    return {
      source: pattern as string,
      name: new RegExp(`^${glob}$`),
      version: ref.version,
      exact: exactRefs,
    };
  });
}

/**
 * Decides whether a request may be forwarded from its method and its path
 * relative to the API root (percent-encoded, as in a URL).
 */
export function checkRoute(method: string, rawPath: string): RouteMatch | Refusal {
  const segments = decodePath(rawPath);
  if (typeof segments === "string") {
    return {
      status: 403,
      code: "path_not_allowed",
      detail:
        `${method} ${rawPath} is refused by the inference.sh proxy: ${segments}. Paths are compared decoded, so encoded slashes, dots or percent signs never reach another route`,
    };
  }
  const path = `/${segments.join("/")}`;
  for (const approval of APPROVALS) {
    if (matches(approval, method, segments)) {
      return {
        status: 403,
        code: "approval_not_allowed",
        detail:
          `${method} ${path} is not available through the inference.sh proxy: approvals and chat settings come from the account holder, never from a visitor`,
      };
    }
  }
  const endpoint = PROXY_ENDPOINTS.find((e) => matches(`${e.method} ${e.path}`, method, segments));
  if (endpoint === undefined) {
    return {
      status: 403,
      code: "endpoint_not_allowed",
      detail:
        `${method} ${path} is not available through the inference.sh proxy: it forwards app runs, agent chats and uploads only (an id in a path must be the API's: 26 lowercase base32 characters)`,
    };
  }
  const route = `${endpoint.method} ${endpoint.path}`;
  return {
    route,
    path,
    checksBody: BODY_CHECKS[route] !== undefined,
    ref: endpoint.path === "/agents/{namespace}/{name}"
      ? `${segments[1]}/${segments[2]}`
      : undefined,
  };
}

/**
 * Checks what a matched request names: its JSON body on the routes that have
 * body rules, the app or agent on every route that names one; `undefined`
 * when it may be forwarded.
 */
export function checkRequest(
  match: RouteMatch,
  body: string | undefined,
  policy: Policy,
): Refusal | undefined {
  if (match.ref !== undefined) {
    return allowed(match.ref, policy) ? undefined : notAllowed(`agent "${match.ref}"`, policy);
  }
  const check = BODY_CHECKS[match.route];
  if (check === undefined) return undefined;
  let json: unknown;
  try {
    json = body === undefined || body === "" ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      status: 400,
      code: "invalid_body",
      detail: `${match.route} through the inference.sh proxy needs a JSON object as its body`,
    };
  }
  return check(json as Record<string, unknown>, policy);
}

type BodyCheck = (body: Record<string, unknown>, policy: Policy) => Refusal | undefined;

const BODY_CHECKS: Record<string, BodyCheck | undefined> = {
  "POST /apps/run": (body, policy) => {
    for (const key of Object.keys(body)) {
      const field = foldKey(key);
      if (RUN_FIELDS_REFUSED.includes(field)) {
        return {
          status: 403,
          code: "field_not_allowed",
          detail: `"${key}"${
            key === field ? "" : ` (read by the API as "${field}")`
          } cannot be set through the inference.sh proxy: where a run happens, whom it calls back and what it carries are the account's, set them on your server`,
        };
      }
    }
    return checkRef(body, policy, "app", ["app_id", "version_id"]);
  },
  "POST /agents/run": (body, policy) => checkRef(body, policy, "agent", ["agent_config"]),
  "POST /chats": (body, policy) => checkRef(body, policy, "agent", []),
  "POST /chats/{id}/agent": (body, policy) => checkRef(body, policy, "agent", []),
  "POST /files": checkUpload,
};

/** `POST /files`: exactly one file, of a whole-number size within `maxUploadBytes`. */
function checkUpload(body: Record<string, unknown>, policy: Policy): Refusal | undefined {
  const refuse = (why: string): Refusal => ({
    status: 403,
    code: "upload_not_allowed",
    detail: `POST /files through the inference.sh proxy creates exactly one file: ${why}`,
  });
  const keys = Object.keys(body);
  const extra = keys.find((key) => foldKey(key) !== "files");
  if (extra !== undefined) return refuse(`"${extra}" cannot be set`);
  if (keys.length !== 1) return refuse(`"files" is given ${keys.length} times`);
  const files = body[keys[0] as string];
  if (!Array.isArray(files) || files.length !== 1) {
    return refuse(`"files" must be an array of one file: got ${describe(files)}`);
  }
  const file = files[0];
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    return refuse(`the file must be an object: got ${describe(file)}`);
  }
  const fields = file as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FILE_FIELDS.includes(foldKey(key)));
  if (unknown !== undefined) {
    return refuse(`"${unknown}" cannot be set (only ${FILE_FIELDS.join(", ")})`);
  }
  const sizes = values(fields, "size");
  if (
    sizes.length === 0 || sizes.some((size) => !Number.isSafeInteger(size) || size as number < 0)
  ) {
    return {
      status: 400,
      code: "invalid_upload",
      detail:
        `POST /files through the inference.sh proxy needs the file's "size", a whole number of bytes: got ${
          sizes.length === 0 ? "none" : sizes.map(describe).join(", ")
        }`,
    };
  }
  const largest = Math.max(...sizes as number[]);
  if (largest > policy.maxUploadBytes) {
    return {
      status: 413,
      code: "upload_too_large",
      detail:
        `The file has ${largest} bytes, more than the ${policy.maxUploadBytes} this proxy accepts`,
      option: "maxUploadBytes",
    };
  }
  return undefined;
}

/**
 * With `allowedEndpoints`, the app or agent must be named by an allowed
 * `namespace/name` ref in `field` (under every spelling the API reads as it),
 * and none of `bypass` (ids that would name one another way) may be set.
 */
function checkRef(
  body: Record<string, unknown>,
  policy: Policy,
  field: string,
  bypass: readonly string[],
): Refusal | undefined {
  if (policy.patterns === undefined) return undefined;
  for (const name of bypass) {
    if (values(body, name).some((v) => v !== null && v !== undefined && v !== "")) {
      return {
        status: 403,
        code: "field_not_allowed",
        detail:
          `"${name}" is not accepted when the proxy has allowedEndpoints: name the ${field} by its namespace/name ref in "${field}"`,
      };
    }
  }
  const refs = values(body, field);
  if (refs.length === 0) {
    return {
      status: 403,
      code: "field_not_allowed",
      detail: `"${field}" is required when the proxy has allowedEndpoints`,
    };
  }
  const refused = refs.find((ref) => !allowed(ref, policy));
  return refused === undefined ? undefined : notAllowed(`${field} ${describe(refused)}`, policy);
}

function notAllowed(what: string, policy: Policy): Refusal {
  return {
    status: 403,
    code: "app_not_allowed",
    detail: `${what} is not in this proxy's allowedEndpoints (${
      (policy.patterns ?? []).map((p) => p.source).join(", ")
    })`,
    option: "allowedEndpoints",
  };
}

function allowed(ref: unknown, policy: Policy): boolean {
  if (policy.patterns === undefined) return true;
  const parsed = typeof ref === "string" ? parseRef(ref) : undefined;
  if (parsed === undefined) return false;
  const name = `${parsed.namespace}/${parsed.name}`;
  return policy.patterns.some((p) =>
    p.exact
      ? ref === p.source
      : p.name.test(name) && (p.version === undefined || p.version === parsed.version)
  );
}

interface Ref {
  type: string | undefined;
  namespace: string;
  name: string;
  version: string | undefined;
  fn: string | undefined;
}

/**
 * An app or agent ref read the way the API reads it,
 * `[type/]namespace/name[@version][:function]`; `undefined` when it names no
 * namespace (an id, a bare name).
 */
function parseRef(ref: string): Ref | undefined {
  let rest = ref;
  let fn: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon !== -1 && colon > rest.lastIndexOf("@")) {
    fn = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at !== -1) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const parts = rest.split("/");
  let type: string | undefined;
  if (parts.length >= 3 && ["app", "agent", "skill", "knowledge"].includes(parts[0] as string)) {
    type = parts.shift();
  }
  if (parts.length !== 2) return undefined;
  const [namespace = "", name = ""] = parts;
  if (namespace === "" || name === "" || version === "" || fn === "") return undefined;
  return { type, namespace, name, version, fn };
}

/**
 * How Go's encoding/json folds a JSON key onto a field name: case-insensitive,
 * with Unicode simple folding, so the Kelvin sign `K` reads as `k` and the long
 * s `ſ` as `s` (the only non-ASCII letters that fold onto ASCII ones).
 */
export function foldKey(key: string): string {
  return key.replace(
    /[A-Z\u212a\u017f]/g,
    (c) => c === "\u212a" ? "k" : c === "\u017f" ? "s" : c.toLowerCase(),
  );
}

/** Every value of `body` whose key the API reads as `field`. */
function values(body: Record<string, unknown>, field: string): unknown[] {
  return Object.keys(body).filter((key) => foldKey(key) === field).map((key) => body[key]);
}

/** The decoded segments of a path, or why it is refused. */
function decodePath(rawPath: string): string[] | string {
  if (!rawPath.startsWith("/")) return "the path is not absolute";
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return `${JSON.stringify(raw)} is not valid percent-encoding`;
    }
    if (segment === "" || segment === "." || segment === ".." || !SEGMENT.test(segment)) {
      return `the segment ${JSON.stringify(raw)} ${
        raw === segment ? "is" : `decodes to ${JSON.stringify(segment)}, which is`
      } not a plain path segment`;
    }
    segments.push(segment);
  }
  return segments;
}

/** Whether `route` (`"GET /tasks/{id}"`) matches a request's method and decoded segments. */
function matches(route: string, method: string, segments: readonly string[]): boolean {
  const [routeMethod, template = ""] = route.split(" ");
  if (routeMethod !== method) return false;
  const parts = template.slice(1).split("/");
  if (parts.length !== segments.length) return false;
  return parts.every((part, i) => {
    const segment = segments[i] as string;
    switch (part) {
      case "{any}":
        return true;
      case "{id}":
        return ID.test(segment);
      case "{namespace}":
        // `/agents/{id}/…` are the API's routes of one agent, never a name.
        return NAMESPACE.test(segment) && !ID.test(segment);
      case "{name}":
        return NAME.test(segment) && !AGENT_SUBROUTES.has(segment);
      default:
        return part === segment;
    }
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 60) + "…" : value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : String(value);
}
