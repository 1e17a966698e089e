/**
 * The tool builder: `tool()` for client tools the SDK runs for you, `appTool()`,
 * `agentTool()`, `webhookTool()`, `httpTool()` (alias `callTool()`) and
 * `mcpTool()` for tools the API runs, and `internalTools()`. What `.build()`
 * returns is the exact JSON of docs/protocol.md §7.10 (a client tool also carries its
 * handler, which is never sent).
 *
 * @module
 */

import { checkAgentRef } from "./agent_config.ts";
import {
  type ArgsOf,
  checkArgs,
  checkParams,
  isParam,
  type Param,
  type Params,
  paramsToJsonSchema,
} from "./schema_helpers.ts";
import {
  describeIssues,
  type InferOutput,
  isStandardSchema,
  jsonSchemaOf,
  type StandardSchemaIssue,
  type StandardSchemaV1,
} from "./standard_schema.ts";
import { InvalidToolArgumentsError } from "./tool_runner.ts";
import type {
  AgentTool,
  AppTool,
  ClientTool,
  HttpMethod,
  HttpTool,
  InternalToolsConfig,
  JsonSchema,
  McpTool,
  ToolAuth,
  ToolAuthInput,
  ToolCallContext,
  WebhookTool,
} from "./types.ts";

/**
 * A client tool's handler: gets the checked, typed arguments; returns the result
 * for the model (a string, or any value, sent as JSON). A throw becomes an error
 * result the model reads.
 *
 * @typeParam Args The arguments' type.
 *
 * @example
 * ```ts
 * import type { ToolHandler } from "@inferencesh/sdk/types";
 * const handler: ToolHandler<{ city: string }> = ({ city }) => `Sunny in ${city}`;
 * ```
 */
export type ToolHandler<Args> = (args: Args, context: ToolCallContext) => unknown;

type Validation = { value: unknown } | { issues: ReadonlyArray<StandardSchemaIssue> };

/** Parameters given either as helper params or as one Standard Schema. */
class ParamsState {
  params: Record<string, Param> = {};
  schema: StandardSchemaV1 | undefined;
  json: JsonSchema | undefined;

  set(value: unknown, field: string): void {
    if (isStandardSchema(value)) {
      this.json = jsonSchemaOf(value, field);
      this.schema = value;
      this.params = {};
      return;
    }
    checkParams(value, field);
    this.schema = undefined;
    this.json = undefined;
    this.params = { ...value };
  }

  add(name: string, param: Param): void {
    checkName(name, "name");
    if (!isParam(param)) {
      throw new TypeError(
        `Invalid argument 'schema' of param "${name}": must be a parameter made by string(), object(), …`,
      );
    }
    if (this.schema) {
      throw new TypeError(
        `Cannot add param "${name}": the parameters are a schema given to .params(); extend that schema instead`,
      );
    }
    this.params[name] = param;
  }

  jsonSchema(): JsonSchema {
    return this.json ? structuredClone(this.json) : paramsToJsonSchema(this.params);
  }

  validator(): (args: unknown) => Promise<Validation> {
    const schema = this.schema;
    if (schema) return async (args) => await schema["~standard"].validate(args);
    const params: Params = { ...this.params };
    return (args) => {
      const issues = checkArgs(params, args);
      return Promise.resolve(issues.length > 0 ? { issues } : { value: args });
    };
  }
}

function checkName(name: unknown, field: string): asserts name is string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError(`Invalid argument '${field}': must be a non-empty string`);
  }
}

function checkText(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(`Invalid argument '${field}': must be a string`);
  }
}

/** Checks an http(s) URL, naming `field`. */
export function checkUrl(value: unknown, field: string): asserts value is string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    throw new TypeError(
      `Invalid argument '${field}': must be an http(s) URL: got ${JSON.stringify(value)}`,
    );
  }
}

function checkRecord(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Invalid argument '${field}': must be an object`);
  }
}

/**
 * What every tool builder shares: name, description, display name, approval.
 *
 * @example
 * ```ts
 * import { tool } from "@inferencesh/sdk";
 * import type { ToolBuilder } from "@inferencesh/sdk/types";
 * const builder: ToolBuilder = tool("ping").description("Ping").requireApproval();
 * ```
 */
export abstract class ToolBuilder {
  /** The tool's name. */
  protected readonly toolName: string;
  /** The description, `""` unless set. */
  protected toolDescription = "";
  /** The display name, when set. */
  protected toolDisplayName: string | undefined;
  /** Whether calls need approval. */
  protected approval = false;

  /** Starts a tool called `name`. */
  constructor(name: string) {
    checkName(name, "name");
    this.toolName = name;
  }

  /**
   * Says what the tool does, for the model.
   *
   * @param text The description.
   * @returns This builder.
   */
  description(text: string): this {
    checkText(text, "description");
    this.toolDescription = text;
    return this;
  }

  /**
   * Same as {@linkcode ToolBuilder.description} (the official SDK's name).
   *
   * @param text The description.
   * @returns This builder.
   */
  describe(text: string): this {
    return this.description(text);
  }

  /**
   * Sets the name shown to people (`display_name`); defaults to the tool's name.
   *
   * @param name The display name.
   * @returns This builder.
   */
  displayName(name: string): this {
    checkText(name, "displayName");
    this.toolDisplayName = name;
    return this;
  }

  /**
   * Same as {@linkcode ToolBuilder.displayName}.
   *
   * @param name The display name.
   * @returns This builder.
   */
  display(name: string): this {
    return this.displayName(name);
  }

  /**
   * Makes every call wait for a person's approval. The SDK never runs a
   * client tool that needs approval by itself: `onToolCall` reports it, and the
   * caller answers with `submitToolResult`.
   *
   * @returns This builder.
   */
  requireApproval(): this {
    this.approval = true;
    return this;
  }

  /** The fields every tool starts with, in the API's order. */
  protected common(type: string): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.toolName,
      "display_name": this.toolDisplayName || this.toolName,
      description: this.toolDescription,
      type,
    };
    if (this.approval) out["require_approval"] = true;
    return out;
  }
}

/**
 * Base of the builders whose tools the server calls with JSON arguments
 * (webhook and HTTP tools): the parameters, as helper params or a Standard
 * Schema, become the tool's `input_schema`.
 *
 * @example
 * ```ts
 * import { number, webhookTool } from "@inferencesh/sdk";
 * import type { SchemaToolBuilder } from "@inferencesh/sdk/types";
 * const builder: SchemaToolBuilder = webhookTool("notify", "https://example.com/hook");
 * builder.param("count", number("How many"));
 * ```
 */
export abstract class SchemaToolBuilder extends ToolBuilder {
  readonly #params = new ParamsState();

  /**
   * Sets the parameters: helper params or a Standard Schema of an object.
   *
   * @param params The parameters.
   * @returns This builder.
   */
  params(params: Params | StandardSchemaV1): this {
    this.#params.set(params, "params");
    return this;
  }

  /**
   * Adds one parameter.
   *
   * @param name The parameter's name.
   * @param schema The parameter.
   * @returns This builder.
   */
  param(name: string, schema: Param): this {
    this.#params.add(name, schema);
    return this;
  }

  /** The parameters as the JSON Schema sent as `input_schema`. */
  protected inputSchema(): JsonSchema {
    return this.#params.jsonSchema();
  }
}

/**
 * Builds a client tool: one the SDK runs in your process when the model calls
 * it. Start with {@linkcode tool}.
 *
 * @typeParam Args The type of the arguments the handler gets.
 *
 * @example
 * ```ts
 * import { string, tool } from "@inferencesh/sdk";
 * const weather = tool("get_weather")
 *   .description("Get current weather")
 *   .params({ city: string("City name") })
 *   .handler(async ({ city }) => JSON.stringify({ city, temp: 21 }))
 *   .build();
 * ```
 */
export class ClientToolBuilder<Args = Record<string, never>> extends ToolBuilder {
  readonly #params = new ParamsState();
  #handler: ToolHandler<never> | undefined;

  /** Starts a client tool called `name`; prefer {@linkcode tool}. */
  constructor(name: string) {
    super(name);
  }

  /**
   * Sets the parameters: helper params (`{ city: string("City") }`) or one
   * Standard Schema of an object (`z.object({ city: z.string() })`), whose JSON
   * Schema comes from its own `~standard.jsonSchema`. Either way the handler's
   * `args` are typed, and the model's arguments are checked before it runs.
   *
   * @example With zod
   * ```ts
   * import { tool } from "@inferencesh/sdk";
   * import { z } from "zod";
   *
   * const weather = tool("get_weather")
   *   .params(z.object({ city: z.string().describe("City name") }))
   *   .handler(({ city }) => `Sunny in ${city}`)
   *   .build();
   * ```
   */
  params<S extends StandardSchemaV1>(schema: S): ClientToolBuilder<InferOutput<S>>;
  /**
   * Sets the parameters from helper params.
   *
   * @example
   * ```ts
   * import { integer, optional, string, tool } from "@inferencesh/sdk";
   * const forecast = tool("forecast")
   *   .params({ city: string("City"), days: optional(integer("Days")) })
   *   .build();
   * ```
   */
  params<const P extends Params>(params: P): ClientToolBuilder<ArgsOf<P>>;
  params(value: StandardSchemaV1 | Params): ClientToolBuilder<unknown> {
    this.#params.set(value, "params");
    return this as ClientToolBuilder<unknown>;
  }

  /**
   * Adds one parameter.
   *
   * @param name The parameter's name.
   * @param schema The parameter, made by `string()`, `object()`, …
   * @returns This builder, its arguments type extended.
   *
   * @example
   * ```ts
   * import { string, tool } from "@inferencesh/sdk";
   * const weather = tool("get_weather").param("city", string("City")).build();
   * ```
   */
  param<const Name extends string, P extends Param>(
    name: Name,
    schema: P,
  ): ClientToolBuilder<Args & ArgsOf<Record<Name, P>>> {
    this.#params.add(name, schema);
    return this as unknown as ClientToolBuilder<Args & ArgsOf<Record<Name, P>>>;
  }

  /**
   * Sets the function the SDK runs when the model calls the tool. It gets the
   * checked arguments; what it returns goes back to the model (strings as they
   * are, other values as JSON). Invalid arguments and throws become an error
   * result `{"error": "…"}` the model reads; the turn goes on.
   *
   * @param fn The handler.
   * @returns This builder.
   *
   * @example
   * ```ts
   * import { string, tool } from "@inferencesh/sdk";
   * const weather = tool("get_weather")
   *   .params({ city: string("City") })
   *   .handler(({ city }) => ({ city, temp: 21 }))
   *   .build();
   * ```
   */
  handler(fn: ToolHandler<Args>): this {
    if (typeof fn !== "function") {
      throw new TypeError("Invalid argument 'handler': must be a function");
    }
    this.#handler = fn as ToolHandler<never>;
    return this;
  }

  /**
   * Builds the tool: its JSON (docs/protocol.md §7.10) plus, when set, the handler.
   *
   * @returns The tool, to put in an agent's `tools`.
   *
   * @example
   * ```ts
   * import { string, tool } from "@inferencesh/sdk";
   * const weather = tool("get_weather").params({ city: string("City") }).build();
   * console.log(JSON.stringify(weather));
   * ```
   */
  build(): ClientTool {
    const built = {
      ...this.common("client"),
      client: { "input_schema": this.#params.jsonSchema() },
    } as unknown as ClientTool;
    const fn = this.#handler as ToolHandler<unknown> | undefined;
    if (fn) {
      const validate = this.#params.validator();
      const name = this.toolName;
      built.handler = async (args: unknown, context: ToolCallContext): Promise<unknown> => {
        const checked = await validate(args);
        if ("issues" in checked && checked.issues !== undefined) {
          throw new InvalidToolArgumentsError(
            `Invalid arguments for tool "${name}": ${describeIssues(checked.issues)}`,
          );
        }
        return await fn((checked as { value: unknown }).value, context);
      };
    }
    return Object.freeze(built);
  }
}

/**
 * Builds a tool that runs another inference.sh app. Start with {@linkcode appTool}.
 *
 * @example
 * ```ts
 * import { appTool } from "@inferencesh/sdk";
 * const image = appTool("gen", "infsh/flux@abc")
 *   .description("Generate")
 *   .function("generate")
 *   .sessionEnabled()
 *   .setup({ model: "schnell" })
 *   .input({ steps: 4 })
 *   .build();
 * ```
 */
export class AppToolBuilder extends ToolBuilder {
  readonly #ref: string;
  #function: string | undefined;
  #session = false;
  #setup: Record<string, unknown> | undefined;
  #input: Record<string, unknown> | undefined;

  /** Starts an app tool; prefer {@linkcode appTool}. */
  constructor(name: string, ref: string) {
    super(name);
    checkAgentRef(ref, "appRef");
    this.#ref = ref;
  }

  /**
   * Sets the function of a multi-function app.
   *
   * @param name The function.
   * @returns This builder.
   */
  function(name: string): this {
    checkName(name, "function");
    this.#function = name;
    return this;
  }

  /**
   * Lets the agent keep a session with the app across calls.
   *
   * @returns This builder.
   */
  sessionEnabled(): this {
    this.#session = true;
    return this;
  }

  /**
   * Sets setup values, hidden from the agent and sent on every call.
   *
   * @param values The setup.
   * @returns This builder.
   */
  setup(values: Record<string, unknown>): this {
    checkRecord(values, "setup");
    this.#setup = { ...values };
    return this;
  }

  /**
   * Sets default input values (the agent may override them).
   *
   * @param values The defaults.
   * @returns This builder.
   */
  input(values: Record<string, unknown>): this {
    checkRecord(values, "input");
    this.#input = { ...values };
    return this;
  }

  /**
   * Builds the tool JSON. The app's parameters come from the app's own schema.
   *
   * @returns The tool.
   */
  build(): AppTool {
    const app: Record<string, unknown> = { ref: this.#ref };
    if (this.#function !== undefined) app.function = this.#function;
    if (this.#session) app["session_enabled"] = true;
    if (this.#setup !== undefined) app.setup = structuredClone(this.#setup);
    if (this.#input !== undefined) app.input = structuredClone(this.#input);
    return { ...this.common("app"), app } as unknown as AppTool;
  }
}

/**
 * Builds a tool that delegates to another agent. Start with {@linkcode agentTool}.
 *
 * @example
 * ```ts
 * import { agentTool } from "@inferencesh/sdk";
 * const research = agentTool("researcher", "acme/research@v1").description("Research").build();
 * ```
 */
export class AgentToolBuilder extends ToolBuilder {
  readonly #ref: string;

  /** Starts an agent tool; prefer {@linkcode agentTool}. */
  constructor(name: string, ref: string) {
    super(name);
    checkAgentRef(ref, "agentRef");
    this.#ref = ref;
  }

  /**
   * Builds the tool JSON.
   *
   * @returns The tool.
   */
  build(): AgentTool {
    return { ...this.common("agent"), agent: { ref: this.#ref } } as unknown as AgentTool;
  }
}

/**
 * Builds a tool that calls a webhook. Start with {@linkcode webhookTool}.
 *
 * @example
 * ```ts
 * import { string, webhookTool } from "@inferencesh/sdk";
 * const notify = webhookTool("notify", "https://example.com/hook")
 *   .description("Notify")
 *   .secret("HOOK_SECRET")
 *   .params({ msg: string("Message") })
 *   .build();
 * ```
 */
export class WebhookToolBuilder extends SchemaToolBuilder {
  readonly #url: string;
  #secret: string | undefined;

  /** Starts a webhook tool; prefer {@linkcode webhookTool}. */
  constructor(name: string, url: string) {
    super(name);
    checkUrl(url, "url");
    this.#url = url;
  }

  /**
   * Names the secret that signs the calls: one of your inference.sh secrets,
   * by name (its value never leaves the API). Each call then carries
   * `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>` under that
   * value; the server receiving it checks it with `verifyWebhookSignature`.
   *
   * @example The tool, and the server that receives its calls
   * ```ts
   * import { string, verifyWebhookSignature, webhookTool } from "@inferencesh/sdk";
   *
   * const notify = webhookTool("notify", "https://example.com/hook")
   *   .params({ msg: string("Message") })
   *   .secret("HOOK_SECRET")
   *   .build();
   *
   * async function receive(request: Request, hookSecret: string): Promise<Response> {
   *   const args = await verifyWebhookSignature<{ msg: string }>(request, hookSecret);
   *   return Response.json({ ok: true, msg: args.msg });
   * }
   * ```
   *
   * @param key The secret's name, e.g. `"HOOK_SECRET"`.
   * @returns This builder.
   */
  secret(key: string): this {
    checkName(key, "secret");
    this.#secret = key;
    return this;
  }

  /**
   * Builds the tool JSON.
   *
   * @returns The tool.
   */
  build(): WebhookTool {
    const hook: Record<string, unknown> = { url: this.#url };
    if (this.#secret !== undefined) hook.secret = this.#secret;
    hook["input_schema"] = this.inputSchema();
    return { ...this.common("hook"), hook } as unknown as WebhookTool;
  }
}

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(["GET", "POST", "PUT", "PATCH", "DELETE"]);

const SHORTHANDS = { integration: "integration", apiKey: "api_key", bearer: "bearer" } as const;

/** The auth of `.auth()`'s argument in its wire form (both spellings accepted). */
function toAuth(value: unknown): ToolAuth {
  checkRecord(value, "auth");
  const input = value as Record<string, unknown>;
  const text = (key: string): string => {
    const v = input[key];
    checkName(v, `auth.${key}`);
    return v;
  };
  const optionalText = (key: string): string | undefined =>
    input[key] === undefined ? undefined : text(key);
  const given = (Object.keys(SHORTHANDS) as (keyof typeof SHORTHANDS)[])
    .filter((key) => input[key] !== undefined);
  if ((input.type !== undefined && given.length > 0) || given.length > 1) {
    throw new TypeError(
      `Invalid argument 'auth': give one of { type, … }, { integration }, { apiKey } or { bearer }`,
    );
  }
  const short = input.type === undefined;
  const type = short && given[0] ? SHORTHANDS[given[0]] : input.type;
  if (type === "integration") {
    const provider = text(short ? "integration" : "provider");
    const id = optionalText(short ? "integrationId" : "integration_id");
    return id === undefined ? { type, provider } : { type, provider, "integration_id": id };
  }
  if (type === "api_key") {
    const secret = text(short ? "apiKey" : "secret");
    return { type, secret, header: optionalText("header") ?? "X-API-Key" };
  }
  if (type === "bearer") return { type, secret: text(short ? "bearer" : "secret") };
  throw new TypeError(
    `Invalid argument 'auth.type': must be "integration", "api_key" or "bearer": got ${
      JSON.stringify(type)
    }`,
  );
}

/**
 * Builds a tool that makes an HTTP request, with credentials the API injects so
 * they never pass through the model or your process. Start with
 * {@linkcode httpTool} (or its alias {@linkcode callTool}).
 *
 * @example
 * ```ts
 * import { httpTool, number } from "@inferencesh/sdk";
 * const fetchData = httpTool("fetch")
 *   .url("https://api.example.com/data")
 *   .method("GET")
 *   .auth({ type: "api_key", secret: "MY_KEY", header: "X-API-Key" })
 *   .headers({ Accept: "application/json" })
 *   .params({ q: number("Query") })
 *   .build();
 * ```
 */
export class HttpToolBuilder extends SchemaToolBuilder {
  #url: string | undefined;
  #method: HttpMethod = "POST";
  #auth: ToolAuth | undefined;
  readonly #headers: Record<string, string> = {};

  /** Starts an HTTP tool; prefer {@linkcode httpTool}. */
  constructor(name: string, url?: string) {
    super(name);
    if (url !== undefined) this.url(url);
  }

  /**
   * Sets where the request goes.
   *
   * @param url An http(s) URL.
   * @returns This builder.
   */
  url(url: string): this {
    checkUrl(url, "url");
    this.#url = url;
    return this;
  }

  /**
   * Sets the method; `POST` unless set (and then not sent).
   *
   * @param method `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, in either case.
   * @returns This builder.
   */
  method(method: HttpMethod | Lowercase<HttpMethod>): this {
    const upper = typeof method === "string" ? method.toUpperCase() : method;
    if (typeof upper !== "string" || !METHODS.has(upper)) {
      throw new TypeError(
        `Invalid argument 'method': must be GET, POST, PUT, PATCH or DELETE: got ${
          JSON.stringify(method)
        }`,
      );
    }
    this.#method = upper as HttpMethod;
    return this;
  }

  /**
   * Sets how the request authenticates: `{ type: "integration", provider,
   * integration_id? }`, `{ type: "api_key", secret, header? }` or `{ type:
   * "bearer", secret }` (or the official SDK's `{ integration, integrationId? }`,
   * `{ apiKey, header? }`, `{ bearer }`). `secret` names one of your inference.sh
   * secrets; an api key's `header` is `"X-API-Key"` unless set.
   *
   * @param auth The authentication.
   * @returns This builder.
   */
  auth(auth: ToolAuthInput): this {
    this.#auth = toAuth(auth);
    return this;
  }

  /**
   * Adds headers sent with every request.
   *
   * @param headers Header names and values.
   * @returns This builder.
   */
  headers(headers: Record<string, string>): this {
    checkRecord(headers, "headers");
    for (const [name, value] of Object.entries(headers)) this.header(name, value);
    return this;
  }

  /**
   * Adds one header sent with every request.
   *
   * @param name The header's name.
   * @param value Its value.
   * @returns This builder.
   */
  header(name: string, value: string): this {
    checkName(name, "headers");
    try {
      if (typeof value !== "string") throw new TypeError();
      new Headers([[name, value]]);
    } catch {
      throw new TypeError(
        `Invalid argument 'headers.${name}': must be a valid header name with a string value`,
      );
    }
    this.#headers[name] = value;
    return this;
  }

  /**
   * Builds the tool JSON.
   *
   * @returns The tool.
   * @throws {TypeError} When no URL was given.
   */
  build(): HttpTool {
    if (this.#url === undefined) {
      throw new TypeError(
        `Invalid argument 'url': HTTP tool "${this.toolName}" needs one: httpTool(name, url) or .url(url)`,
      );
    }
    const http: Record<string, unknown> = { url: this.#url };
    if (this.#method !== "POST") http.method = this.#method;
    if (this.#auth !== undefined) http.auth = { ...this.#auth };
    if (Object.keys(this.#headers).length > 0) http.headers = { ...this.#headers };
    http["input_schema"] = this.inputSchema();
    return { ...this.common("http"), http } as unknown as HttpTool;
  }
}

/**
 * Builds a tool of a connected MCP server. Start with {@linkcode mcpTool}.
 *
 * @example
 * ```ts
 * import { mcpTool } from "@inferencesh/sdk";
 * const search = mcpTool("notion_search", "integ_1", "search").description("Search").build();
 * ```
 */
export class McpToolBuilder extends ToolBuilder {
  readonly #integrationId: string;
  readonly #remoteName: string;

  /** Starts an MCP tool; prefer {@linkcode mcpTool}. */
  constructor(name: string, integrationId: string, toolName: string) {
    super(name);
    checkName(integrationId, "integrationId");
    checkName(toolName, "toolName");
    this.#integrationId = integrationId;
    this.#remoteName = toolName;
  }

  /**
   * Builds the tool JSON.
   *
   * @returns The tool.
   */
  build(): McpTool {
    return {
      ...this.common("mcp"),
      mcp: { "integration_id": this.#integrationId, "tool_name": this.#remoteName },
    } as unknown as McpTool;
  }
}

/**
 * Builds the `internal_tools` setting. Start with {@linkcode internalTools}.
 *
 * @example
 * ```ts
 * import { internalTools } from "@inferencesh/sdk";
 * console.log(internalTools().none().meta().build());
 * // { plan: false, memory: false, widget: false, finish: false, meta: true }
 * ```
 */
export class InternalToolsBuilder {
  readonly #config: InternalToolsConfig = {};

  /**
   * Plan tools (create, update, load).
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  plan(enabled = true): this {
    return this.#set("plan", enabled);
  }

  /**
   * Memory tools (set, get, get all).
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  memory(enabled = true): this {
    return this.#set("memory", enabled);
  }

  /**
   * Widget tools (UI, HTML).
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  widget(enabled = true): this {
    return this.#set("widget", enabled);
  }

  /**
   * The finish tool, which sets the chat's structured output.
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  finish(enabled = true): this {
    return this.#set("finish", enabled);
  }

  /**
   * Meta tools.
   *
   * @param enabled On (default) or off.
   * @returns This builder.
   */
  meta(enabled = true): this {
    return this.#set("meta", enabled);
  }

  /**
   * Turns plan, memory, widget and finish on (not `meta`).
   *
   * @returns This builder.
   */
  all(): this {
    return this.plan().memory().widget().finish();
  }

  /**
   * Turns plan, memory, widget and finish off.
   *
   * @returns This builder.
   */
  none(): this {
    return this.plan(false).memory(false).widget(false).finish(false);
  }

  /**
   * The setting, to put in an agent's `internalTools`.
   *
   * @returns A copy of the flags set so far.
   */
  build(): InternalToolsConfig {
    return { ...this.#config };
  }

  #set(key: "plan" | "memory" | "widget" | "finish" | "meta", enabled: boolean): this {
    if (typeof enabled !== "boolean") {
      throw new TypeError(`Invalid argument '${key}': must be a boolean`);
    }
    this.#config[key] = enabled;
    return this;
  }
}

/**
 * Starts a client tool: the model calls it, the SDK runs its handler in your
 * process and sends the result back.
 *
 * @param name The name the model calls it by.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { string, tool } from "@inferencesh/sdk";
 * const weather = tool("get_weather")
 *   .description("Get current weather")
 *   .params({ city: string("City name") })
 *   .handler(async (args) => JSON.stringify({ temp: 72, city: args.city }))
 *   .build();
 * ```
 */
export function tool(name: string): ClientToolBuilder {
  return new ClientToolBuilder(name);
}

/**
 * Starts a tool that runs another inference.sh app.
 *
 * @param name The name the model calls it by.
 * @param appRef The app, `namespace/name@version`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { appTool } from "@inferencesh/sdk";
 * const image = appTool("gen", "infsh/flux@abc").description("Generate an image").build();
 * ```
 */
export function appTool(name: string, appRef: string): AppToolBuilder {
  return new AppToolBuilder(name, appRef);
}

/**
 * Starts a tool that delegates to another agent.
 *
 * @param name The name the model calls it by.
 * @param agentRef The agent, `namespace/name@version`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { agentTool } from "@inferencesh/sdk";
 * const research = agentTool("researcher", "acme/research@v1").description("Research").build();
 * ```
 */
export function agentTool(name: string, agentRef: string): AgentToolBuilder {
  return new AgentToolBuilder(name, agentRef);
}

/**
 * Starts a tool that calls a webhook.
 *
 * @param name The name the model calls it by.
 * @param url The webhook, `https://…`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { string, webhookTool } from "@inferencesh/sdk";
 * const notify = webhookTool("notify", "https://example.com/hook")
 *   .params({ msg: string("Message") })
 *   .build();
 * ```
 */
export function webhookTool(name: string, url: string): WebhookToolBuilder {
  return new WebhookToolBuilder(name, url);
}

/**
 * Starts a tool that makes an HTTP request; the API injects its credentials
 * (`.auth()`), so they never pass through the model or your process.
 *
 * @param name The name the model calls it by.
 * @param url Where the request goes, `https://…`; or set it with `.url()`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { httpTool, string } from "@inferencesh/sdk";
 * const search = httpTool("search", "https://api.example.com/search")
 *   .description("Search the catalogue")
 *   .method("GET")
 *   .auth({ type: "bearer", secret: "CATALOGUE_TOKEN" })
 *   .params({ q: string("Query") })
 *   .build();
 * ```
 */
export function httpTool(name: string, url?: string): HttpToolBuilder {
  return new HttpToolBuilder(name, url);
}

/**
 * Same as {@linkcode httpTool} (the official SDK's preferred name): the tool is
 * still sent as `type: "http"`.
 *
 * @param name The name the model calls it by.
 * @param url Where the request goes, `https://…`; or set it with `.url()`.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { callTool } from "@inferencesh/sdk";
 * const ping = callTool("ping").url("https://api.example.com/ping").method("GET").build();
 * ```
 */
export function callTool(name: string, url?: string): HttpToolBuilder {
  return new HttpToolBuilder(name, url);
}

/**
 * Starts a tool of a connected MCP server.
 *
 * @param name The name the model calls it by.
 * @param integrationId The MCP server's integration.
 * @param toolName The tool's name on that server.
 * @returns A builder; finish with `.build()`.
 *
 * @example
 * ```ts
 * import { mcpTool } from "@inferencesh/sdk";
 * const search = mcpTool("notion_search", "integ_1", "search").description("Search").build();
 * ```
 */
export function mcpTool(name: string, integrationId: string, toolName: string): McpToolBuilder {
  return new McpToolBuilder(name, integrationId, toolName);
}

/**
 * Starts the `internal_tools` setting of an agent.
 *
 * @returns A builder; finish with `.build()` (or pass the builder itself).
 *
 * @example
 * ```ts
 * import { internalTools } from "@inferencesh/sdk";
 * const internal = internalTools().memory().finish().build(); // { memory: true, finish: true }
 * ```
 */
export function internalTools(): InternalToolsBuilder {
  return new InternalToolsBuilder();
}
