/**
 * Wire types of agents and chats (docs/protocol.md §7): agent configuration, tool
 * definitions, chats, messages, runs and tool invocations.
 *
 * @module
 */

import type { StandardSchemaV1 } from "./standard_schema.ts";

/**
 * A JSON Schema object.
 *
 * @example
 * ```ts
 * import type { JsonSchema } from "@inferencesh/sdk/types";
 * const schema: JsonSchema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
 * ```
 */
export type JsonSchema = Record<string, unknown>;

/**
 * What a client tool's handler gets besides its arguments.
 *
 * @example
 * ```ts
 * import { tool } from "@inferencesh/sdk";
 * import type { ToolCallContext } from "@inferencesh/sdk/types";
 * const slow = tool("slow")
 *   .handler(async (_args, context: ToolCallContext) => {
 *     await new Promise((resolve) => setTimeout(resolve, 1, context.signal));
 *     return `done (${context.id})`;
 *   })
 *   .build();
 * ```
 */
export interface ToolCallContext {
  /** The invocation id (the `ToolInvocationDTO` id used by `POST /tools/{id}`). */
  readonly id: string;
  /** The tool's name. */
  readonly name: string;
  /** The chat the call belongs to. */
  readonly chatId: string;
  /** Aborted when the agent disconnects or resets, or the turn is aborted. */
  readonly signal: AbortSignal;
}

/**
 * A client tool as sent to the API (docs/protocol.md §7.10), plus the handler the SDK runs
 * when the model calls it. The handler is never sent.
 *
 * @example Built with the tool builder
 * ```ts
 * import { string, tool } from "@inferencesh/sdk";
 * import type { ClientTool } from "@inferencesh/sdk/types";
 * const weather: ClientTool = tool("get_weather")
 *   .description("Get current weather")
 *   .params({ city: string("City name") })
 *   .handler(({ city }) => JSON.stringify({ city, temp: 21 }))
 *   .build();
 * ```
 */
export interface ClientTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"client"`: the SDK's caller runs it. */
  type: "client";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** The parameters. */
  client: { "input_schema": JsonSchema };
  /**
   * Runs the tool: the result (a string, or a value sent as JSON) goes back to
   * the model. A built tool's handler first checks the arguments against the
   * parameters and throws a `TypeError` describing what is wrong.
   */
  handler?(args: Record<string, unknown>, context: ToolCallContext): unknown;
}

/**
 * A tool that runs another inference.sh app (built with `appTool`).
 *
 * @example
 * ```ts
 * import { appTool } from "@inferencesh/sdk";
 * import type { AppTool } from "@inferencesh/sdk/types";
 * const image: AppTool = appTool("gen", "infsh/flux@abc").description("Generate").build();
 * ```
 */
export interface AppTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"app"`. */
  type: "app";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** The app to run and how. */
  app: {
    /** `namespace/name@version`. */
    ref: string;
    /** Function of a multi-function app. */
    function?: string | undefined;
    /** Present (`true`) when the agent may keep a session. */
    "session_enabled"?: true | undefined;
    /** Setup values, hidden from the agent. */
    setup?: Record<string, unknown> | undefined;
    /** Default input values. */
    input?: Record<string, unknown> | undefined;
  };
}

/**
 * A tool that delegates to another agent (built with `agentTool`).
 *
 * @example
 * ```ts
 * import { agentTool } from "@inferencesh/sdk";
 * import type { AgentTool } from "@inferencesh/sdk/types";
 * const research: AgentTool = agentTool("researcher", "acme/research@v1").build();
 * ```
 */
export interface AgentTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"agent"`. */
  type: "agent";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** The sub-agent. */
  agent: { ref: string };
}

/**
 * A tool that calls a webhook (built with `webhookTool`).
 *
 * @example
 * ```ts
 * import { string, webhookTool } from "@inferencesh/sdk";
 * import type { WebhookTool } from "@inferencesh/sdk/types";
 * const notify: WebhookTool = webhookTool("notify", "https://example.com/hook")
 *   .params({ msg: string("Message") })
 *   .build();
 * ```
 */
export interface WebhookTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"hook"`. */
  type: "hook";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** Where to call, the secret that signs calls, and the parameters. */
  hook: { url: string; secret?: string | undefined; "input_schema": JsonSchema };
}

/**
 * An HTTP method of an HTTP tool. A tool without one is called with `POST`.
 *
 * @example
 * ```ts
 * import type { HttpMethod } from "@inferencesh/sdk/types";
 * const method: HttpMethod = "GET";
 * ```
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * How an HTTP tool authenticates, as sent (`http.auth`): with a connected
 * integration, with a secret sent in a header, or with a secret sent as a
 * bearer token. `secret` names one of your inference.sh secrets; its value never
 * leaves the API.
 *
 * @example
 * ```ts
 * import type { ToolAuth } from "@inferencesh/sdk/types";
 * const google: ToolAuth = { type: "integration", provider: "google", "integration_id": "integ_1" };
 * const key: ToolAuth = { type: "api_key", secret: "MY_KEY", header: "X-API-Key" };
 * const token: ToolAuth = { type: "bearer", secret: "MY_TOKEN" };
 * ```
 */
export type ToolAuth =
  | {
    /** Credentials of a connected integration. */
    type: "integration";
    /** The integration's provider, e.g. `"google"`. */
    provider: string;
    /** Which connection of that provider, when there are several. */
    "integration_id"?: string | undefined;
  }
  | {
    /** A secret sent in a header. */
    type: "api_key";
    /** The secret's name. */
    secret: string;
    /** The header it goes in, e.g. `"X-API-Key"`. */
    header: string;
  }
  | {
    /** A secret sent as `Authorization: Bearer …`. */
    type: "bearer";
    /** The secret's name. */
    secret: string;
  };

/**
 * What `httpTool(…).auth()` takes: a {@linkcode ToolAuth} (`header` defaults to
 * `"X-API-Key"`), or the official SDK's shorthand: `{ integration, integrationId? }`,
 * `{ apiKey, header? }` or `{ bearer }`.
 *
 * @example
 * ```ts
 * import type { ToolAuthInput } from "@inferencesh/sdk/types";
 * const a: ToolAuthInput = { type: "bearer", secret: "MY_TOKEN" };
 * const b: ToolAuthInput = { apiKey: "MY_KEY" }; // header: "X-API-Key"
 * const c: ToolAuthInput = { integration: "google", integrationId: "integ_1" };
 * ```
 */
export type ToolAuthInput =
  | Exclude<ToolAuth, { type: "api_key" }>
  | { type: "api_key"; secret: string; header?: string | undefined }
  | {
    /** The integration's provider, e.g. `"google"`. */
    integration: string;
    /** Which connection of that provider. */
    integrationId?: string | undefined;
  }
  | {
    /** The secret's name. */
    apiKey: string;
    /** The header it goes in; `"X-API-Key"` unless set. */
    header?: string | undefined;
  }
  | {
    /** The secret's name. */
    bearer: string;
  };

/**
 * A tool that makes an HTTP request, with credentials the API injects (built
 * with `httpTool` or `callTool`).
 *
 * @example
 * ```ts
 * import { httpTool, number } from "@inferencesh/sdk";
 * import type { HttpTool } from "@inferencesh/sdk/types";
 * const fetchData: HttpTool = httpTool("fetch", "https://api.example.com/data")
 *   .method("GET")
 *   .auth({ type: "bearer", secret: "MY_TOKEN" })
 *   .params({ q: number("Query") })
 *   .build();
 * ```
 */
export interface HttpTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"http"`. */
  type: "http";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** The request and the parameters. */
  http: {
    /** Where to send the request. */
    url: string;
    /** The method; absent means `POST`. */
    method?: HttpMethod | undefined;
    /** How the request authenticates. */
    auth?: ToolAuth | undefined;
    /** Headers sent with every request; absent when there are none. */
    headers?: Record<string, string> | undefined;
    /** The parameters. */
    "input_schema": JsonSchema;
  };
}

/**
 * A tool of a connected MCP server (built with `mcpTool`).
 *
 * @example
 * ```ts
 * import { mcpTool } from "@inferencesh/sdk";
 * import type { McpTool } from "@inferencesh/sdk/types";
 * const search: McpTool = mcpTool("notion_search", "integ_1", "search").description("Search").build();
 * ```
 */
export interface McpTool {
  /** The name the model calls it by. */
  name: string;
  /** Shown to people; defaults to `name`. */
  "display_name": string;
  /** What the tool does, for the model. */
  description: string;
  /** Always `"mcp"`. */
  type: "mcp";
  /** Present (`true`) when a person must approve each call. */
  "require_approval"?: true | undefined;
  /** The server (a connected integration) and the tool's name on it. */
  mcp: { "integration_id": string; "tool_name": string };
}

/**
 * Any other tool type the API knows, passed through as is.
 *
 * @example
 * ```ts
 * import type { OtherTool } from "@inferencesh/sdk/types";
 * const recall: OtherTool = {
 *   name: "memory_get",
 *   type: "internal",
 *   internal: { category: "memory", operation: "get" },
 * };
 * ```
 */
export interface OtherTool {
  /** The name the model calls it by. */
  name: string;
  /** The tool type, e.g. `"internal"`. */
  type: string;
  /** Every other field, as the API documents it. */
  [field: string]: unknown;
}

/**
 * A tool of an ad-hoc agent.
 *
 * @example
 * ```ts
 * import { agentTool, string, tool } from "@inferencesh/sdk";
 * import type { AgentToolConfig } from "@inferencesh/sdk/types";
 * const tools: AgentToolConfig[] = [
 *   tool("get_weather").params({ city: string("City") }).handler(() => "sunny").build(),
 *   agentTool("researcher", "acme/research@v1").build(),
 * ];
 * ```
 */
export type AgentToolConfig =
  | ClientTool
  | AppTool
  | AgentTool
  | WebhookTool
  | HttpTool
  | McpTool
  | OtherTool;

/**
 * Which built-in tools an agent gets (built with `internalTools()`).
 *
 * @example
 * ```ts
 * import type { InternalToolsConfig } from "@inferencesh/sdk/types";
 * const internal: InternalToolsConfig = { memory: true, finish: true };
 * ```
 */
export interface InternalToolsConfig {
  /** Plan tools (create, update, load). */
  plan?: boolean | undefined;
  /** Memory tools (set, get, get all). */
  memory?: boolean | undefined;
  /** Widget tools (UI, HTML). */
  widget?: boolean | undefined;
  /** The finish tool, which sets the chat's structured `output`. */
  finish?: boolean | undefined;
  /** Skill tools. */
  skills?: boolean | undefined;
  /** Host-context tools. */
  "host_context"?: boolean | undefined;
  /** Meta tools. */
  meta?: boolean | undefined;
  /** Artifact tools. */
  artifact?: boolean | undefined;
  /** Spawn tools. */
  spawn?: boolean | undefined;
}

/**
 * An event of an agent's run a lifecycle hook can fire on.
 *
 * @example
 * ```ts
 * import type { HookEvent } from "@inferencesh/sdk/types";
 * const event: HookEvent = "agent.turn_start";
 * ```
 */
export type HookEvent =
  | "agent.start"
  | "agent.turn_start"
  | "agent.tool_call"
  | "agent.tool_result"
  | "agent.turn_complete"
  | "agent.error"
  | "agent.complete"
  | "agent.idle"
  | "agent.pre_compact"
  | "agent.post_compact";

/**
 * How a lifecycle hook runs: `webhook` posts to a URL, `task` runs an agent,
 * `gate` holds the run until a person allows or denies it.
 *
 * @example
 * ```ts
 * import type { HookHandlerType } from "@inferencesh/sdk/types";
 * const type: HookHandlerType = "webhook";
 * ```
 */
export type HookHandlerType = "webhook" | "task" | "gate";

/**
 * How a gate resolves when nobody answers in time.
 *
 * @example
 * ```ts
 * import type { HookResolution } from "@inferencesh/sdk/types";
 * const resolution: HookResolution = "deny";
 * ```
 */
export type HookResolution = "allow" | "deny";

/**
 * A lifecycle hook of an agent, as sent in its `hooks` (built with
 * `lifecycleHook`).
 *
 * @example
 * ```ts
 * import { lifecycleHook } from "@inferencesh/sdk";
 * import type { LifecycleHookConfig } from "@inferencesh/sdk/types";
 * const onTurn: LifecycleHookConfig = lifecycleHook("agent.turn_start")
 *   .webhook("https://example.com/on-turn")
 *   .build();
 * const gate: LifecycleHookConfig = { event: "agent.tool_call", type: "gate", "default_resolution": "deny" };
 * ```
 */
export interface LifecycleHookConfig {
  /** The event it fires on. */
  event: HookEvent;
  /** How it runs. */
  type: HookHandlerType;
  /** The webhook's URL or the task's agent (`namespace/name@version`); absent for a gate. */
  handler?: string | undefined;
  /** Present when set: `true` lets the run go on without waiting for the handler. */
  async?: boolean | undefined;
  /** Present when set: how long the handler may take, in seconds. */
  timeout?: number | undefined;
  /** A gate's answer when nobody answers in time. */
  "default_resolution"?: HookResolution | undefined;
}

/**
 * The LLM app of an ad-hoc agent: `"namespace/name@version"`, or `{ ref }` with
 * the API's other `core_app` fields.
 *
 * @example
 * ```ts
 * import type { CoreApp } from "@inferencesh/sdk/types";
 * const a: CoreApp = "infsh/claude-sonnet-4@abc123";
 * const b: CoreApp = { ref: "infsh/claude-sonnet-4@abc123", setup: { temperature: 0 } };
 * ```
 */
export type CoreApp = string | {
  /** `namespace/name@version`. */
  ref: string;
  /** Setup values of the app. */
  setup?: Record<string, unknown> | undefined;
  /** Default input values of the app. */
  input?: Record<string, unknown> | undefined;
  /** Any other field of `core_app`. */
  [field: string]: unknown;
};

/**
 * The expected structured output: a Standard Schema (zod 4, valibot, …), which
 * types and validates it, or a plain JSON Schema.
 *
 * @typeParam Output The parsed output's type.
 *
 * @example
 * ```ts
 * import type { OutputSchema } from "@inferencesh/sdk/types";
 * import { z } from "zod";
 *
 * const typed: OutputSchema<{ summary: string }> = z.object({ summary: z.string() });
 * const plain: OutputSchema = { type: "object", properties: { summary: { type: "string" } } };
 * ```
 */
export type OutputSchema<Output = unknown> = StandardSchemaV1<unknown, Output> | JsonSchema;

/**
 * An ad-hoc agent: every key is accepted in camelCase and in the API's
 * snake_case (`coreApp` or `core_app`, `systemPrompt` or `system_prompt`, …); give
 * one spelling per key. Unknown keys are sent as they are.
 *
 * @typeParam Output The structured output's type, when `outputSchema` is a Standard Schema.
 *
 * @example
 * ```ts
 * import { type AgentConfig, string, tool } from "@inferencesh/sdk";
 * const config: AgentConfig = {
 *   coreApp: "infsh/claude-sonnet-4@abc123",
 *   systemPrompt: "You are helpful.",
 *   tools: [tool("get_weather").params({ city: string("City") }).handler(() => "sunny").build()],
 *   internal_tools: { memory: true },
 * };
 * ```
 */
export interface AgentConfig<Output = unknown> {
  /** The LLM app (camelCase spelling of `core_app`). */
  coreApp?: CoreApp | undefined;
  /** The LLM app. */
  "core_app"?: CoreApp | undefined;
  /** The system prompt (camelCase spelling of `system_prompt`). */
  systemPrompt?: string | undefined;
  /** The system prompt. */
  "system_prompt"?: string | undefined;
  /** Tools: built tools, builders (built for you), or tool JSON. */
  tools?: ReadonlyArray<AgentToolConfig | { build(): AgentToolConfig }> | undefined;
  /** Structured output (camelCase spelling of `output_schema`). */
  outputSchema?: OutputSchema<Output> | undefined;
  /** Structured output. */
  "output_schema"?: OutputSchema<Output> | undefined;
  /** Built-in tools (camelCase spelling of `internal_tools`). */
  internalTools?: InternalToolsConfig | { build(): InternalToolsConfig } | undefined;
  /** Built-in tools. */
  "internal_tools"?: InternalToolsConfig | { build(): InternalToolsConfig } | undefined;
  /** The agent's name; also the default `agent_name` of its chats. */
  name?: string | undefined;
  /** What the agent is for. */
  description?: string | undefined;
  /** Prompts to suggest (camelCase spelling of `example_prompts`). */
  examplePrompts?: string[] | undefined;
  /** Prompts to suggest. */
  "example_prompts"?: string[] | undefined;
  /** Skills, as the API documents them. */
  skills?: Record<string, unknown>[] | undefined;
  /** Declared context fields, as the API documents them. */
  context?: Record<string, unknown>[] | undefined;
  /** Lifecycle hooks: `lifecycleHook(…)` builders (built for you) or their JSON. */
  hooks?: ReadonlyArray<LifecycleHookConfig | { build(): LifecycleHookConfig }> | undefined;
}

/**
 * One part of a message: text, reasoning, an image, a file or tool calls.
 *
 * @example
 * ```ts
 * import type { ChatMessageContent } from "@inferencesh/sdk/types";
 * const part: ChatMessageContent = { type: "text", text: "Hello" };
 * ```
 */
export interface ChatMessageContent {
  /** `"text"`, `"reasoning"`, `"image"`, `"file"` or `"tool"`. */
  type: string;
  /** The text of a text or reasoning part. */
  text?: string | undefined;
  /** The URI of an image part. */
  image?: string | undefined;
  /** The URI of a file part. */
  file?: string | undefined;
  /** Tool calls of a tool part. */
  "tool_calls"?: unknown[] | undefined;
  /** An error the part carries. */
  error?: string | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A tool call the agent made, with its state and result (`ToolInvocationDTO`).
 *
 * @example
 * ```ts
 * import type { ToolInvocation } from "@inferencesh/sdk/types";
 * const call: ToolInvocation = {
 *   id: "tinv_1",
 *   type: "client",
 *   status: "in_progress",
 *   function: { name: "get_weather", arguments: { city: "Paris" } },
 * };
 * ```
 */
export interface ToolInvocation {
  /** Id to submit a result to (`POST /tools/{id}`). */
  id: string;
  /** The message that carries it. */
  "chat_message_id"?: string | undefined;
  /** The model's own call id. */
  "tool_invocation_id"?: string | undefined;
  /** Tool type: `client`, `app`, `agent`, `hook`, `http`, `mcp`, `internal`, … */
  type: string;
  /** `pending`, `in_progress`, `awaiting_input`, `awaiting_approval`, `completed`, `failed` or `cancelled`. */
  status: string;
  /** The function called and its arguments. */
  function: { name: string; arguments: Record<string, unknown> };
  /** The result, once there is one. */
  result?: string | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A chat message (`ChatMessageDTO`).
 *
 * @example
 * ```ts
 * import type { ChatMessage } from "@inferencesh/sdk/types";
 * const message: ChatMessage = {
 *   id: "msg_1",
 *   "chat_id": "chat_1",
 *   order: 1,
 *   role: "assistant",
 *   status: "ready",
 *   content: [{ type: "text", text: "Hello" }],
 * };
 * ```
 */
export interface ChatMessage {
  /** The message id. */
  id: string;
  /** The chat it belongs to. */
  "chat_id": string;
  /** Sort key within the chat. */
  order: number;
  /** `system`, `user`, `assistant`, `tool`, `injection` or `compaction`. */
  role: string;
  /** `pending`, `queued`, `ready`, `failed` or `cancelled`; the last three are final. */
  status: string;
  /** The parts. */
  content: ChatMessageContent[];
  /** Tool calls made in this message. */
  "tool_invocations"?: ToolInvocation[] | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * One run of an agent over a turn (`AgentRunDTO`).
 *
 * @example
 * ```ts
 * import type { AgentRun } from "@inferencesh/sdk/types";
 * const run: AgentRun = { id: "run_1", state: "working" };
 * ```
 */
export interface AgentRun {
  /** The run id. */
  id: string;
  /** `submitted`, `working`, `input_required`, `auth_required`, `completed`, `failed`, `canceled` or `rejected`. */
  state: string;
  /** The chat. */
  "chat_id"?: string | undefined;
  /** Why the run failed. */
  error?: string | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A chat (`ChatDTO`).
 *
 * @example
 * ```ts
 * import type { Chat } from "@inferencesh/sdk/types";
 * const chat: Chat = { id: "chat_1", status: "idle", "chat_messages": [] };
 * ```
 */
export interface Chat {
  /** The chat id. */
  id: string;
  /** `busy`, `idle`, `awaiting_input` or `completed`. */
  status: string;
  /** The structured output of the last turn, when the agent has an output schema. */
  output?: unknown;
  /** The current run. */
  "active_run"?: AgentRun | null | undefined;
  /** The messages, sorted by `order` (not every response includes them). */
  "chat_messages"?: ChatMessage[] | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * A token delta of a chat stream: `resource_id` is the message it belongs to.
 *
 * @example
 * ```ts
 * import type { ChatDelta } from "@inferencesh/sdk/types";
 * const delta: ChatDelta = { delta: { response: "Hel" }, seq: 1, "resource_id": "msg_2" };
 * ```
 */
export interface ChatDelta {
  /** The new fragments: `response` and `reasoning` append to what came before. */
  delta: {
    /** The next piece of the reply. */
    response?: string | undefined;
    /** The next piece of the reasoning. */
    reasoning?: string | undefined;
    /** Tool-call fragments, usage, and any other field. */
    [field: string]: unknown;
  };
  /** Increases by one per delta of the same message. */
  seq?: number | undefined;
  /** The message the delta belongs to. */
  "resource_id": string;
}
