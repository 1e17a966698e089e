/**
 * The tool builder: `tool()` for client tools the SDK runs for you, `appTool()`,
 * `agentTool()` and `webhookTool()` for tools the API runs, and
 * `internalTools()`. What `.build()` returns is the exact JSON of protocol §6.10
 * (a client tool also carries its handler, which is never sent).
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
import type {
  AgentTool,
  AppTool,
  ClientTool,
  InternalToolsConfig,
  JsonSchema,
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
 * import type { ToolHandler } from "@inferencesh/sdk";
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
 * import { tool, type ToolBuilder } from "@inferencesh/sdk";
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
   * Builds the tool: its JSON (protocol §6.10) plus, when set, the handler.
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
          throw new TypeError(
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
export class WebhookToolBuilder extends ToolBuilder {
  readonly #url: string;
  #secret: string | undefined;
  readonly #params = new ParamsState();

  /** Starts a webhook tool; prefer {@linkcode webhookTool}. */
  constructor(name: string, url: string) {
    super(name);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
      throw new TypeError(
        `Invalid argument 'url': must be an http(s) URL: got ${JSON.stringify(url)}`,
      );
    }
    this.#url = url;
  }

  /**
   * Names the secret that signs the calls.
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

  /**
   * Builds the tool JSON.
   *
   * @returns The tool.
   */
  build(): WebhookTool {
    const hook: Record<string, unknown> = { url: this.#url };
    if (this.#secret !== undefined) hook.secret = this.#secret;
    hook["input_schema"] = this.#params.jsonSchema();
    return { ...this.common("hook"), hook } as unknown as WebhookTool;
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
