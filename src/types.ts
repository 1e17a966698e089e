/**
 * Every type of the SDK's API, for annotations: the options and results of each
 * resource (tasks, files, sessions, agents, apps, chats, lists, `client.request`),
 * agents' tool and hook JSON and builders, schema helpers' parameter types, and
 * the option types of the errors. The main entry (`@inferencesh/sdk`) keeps the
 * names most code writes; this entry has all of them, those included.
 *
 * Type-only: importing it adds nothing to a bundle.
 *
 * ```ts
 * import type { FollowOptions, Task, ToolCall } from "@inferencesh/sdk/types";
 *
 * const follow: FollowOptions = { onUpdate: (task: Task) => console.log(task.status) };
 * const onToolCall = (call: ToolCall) => console.log(call.name, call.args);
 * ```
 *
 * @module
 */

// -- client --
export type { InferenceClient } from "./client.ts";
export type { ClientClock } from "./http/clock.ts";
export type { ClientOptions, FetchLike, ResponseMessage } from "./http/config.ts";
export type { RequestOptions } from "./http/core.ts";
export type { ApiMethod, ApiRequestOptions } from "./request/request.ts";

// -- tasks --
export type {
  FollowOptions,
  HandleFollowOptions,
  RunOptions,
  Tasks,
  WaitOptions,
} from "./tasks/tasks.ts";
export type { ResilienceOptions } from "./streaming/options.ts";
export type { ApiTaskRequest, Infra, Task, TaskDelta, TaskEvent, TaskLog } from "./tasks/types.ts";
export type { AccumulatedDelta, ToolCallDelta } from "./tasks/delta.ts";
export type { TaskStatus } from "./tasks/status.ts";
export type { TaskHandle } from "./tasks/handle.ts";
export type { CursorList, ListPage, ListParams } from "./lists/cursor_list.ts";

// -- apps --
export type { Apps } from "./apps/apps.ts";
export type {
  App,
  AppEntry,
  AppFunctionName,
  AppInput,
  AppOutput,
  AppSignature,
  AppTaskRequest,
  AppTypes,
  AppVersion,
  RegisteredApp,
} from "./apps/types.ts";

// -- files and sessions --
export type { Files } from "./files/files.ts";
export type { FileObject, UploadData, UploadOptions, UploadProgress } from "./files/types.ts";
export type { Session, Sessions } from "./sessions/sessions.ts";
export type { AppSession, SessionOptions, SessionRunOptions } from "./sessions/types.ts";

// -- agents and chats --
export type { Agents, CreateAgentOptions } from "./agents/agents.ts";
export type { Agent } from "./agents/agent.ts";
export type { Chats } from "./chats/chats.ts";
export type { ChatStreamOptions, SendMessageOptions } from "./agents/agent_options.ts";
export type { Attachment } from "./agents/attachments.ts";
export type { ToolCall } from "./agents/tool_runner.ts";
export type { AgentReply } from "./agents/turn.ts";
export type { ToolAction } from "./agents/chat_api.ts";
export type { ChatWaitOptions } from "./agents/wait_chat.ts";
export type {
  AgentConfig,
  AgentRun,
  AgentTool,
  AgentToolConfig,
  AppTool,
  Chat,
  ChatDelta,
  ChatMessage,
  ChatMessageContent,
  ClientTool,
  CoreApp,
  HookEvent,
  HookHandlerType,
  HookResolution,
  HttpMethod,
  HttpTool,
  InternalToolsConfig,
  JsonSchema,
  LifecycleHookConfig,
  McpTool,
  OtherTool,
  OutputSchema,
  ToolAuth,
  ToolAuthInput,
  ToolCallContext,
  ToolInvocation,
  WebhookTool,
} from "./agents/types.ts";

// -- tool and hook builders, schema helpers --
export type {
  AgentToolBuilder,
  AppToolBuilder,
  ClientToolBuilder,
  HttpToolBuilder,
  InternalToolsBuilder,
  McpToolBuilder,
  SchemaToolBuilder,
  ToolBuilder,
  ToolHandler,
  WebhookToolBuilder,
} from "./agents/tool_builder.ts";
export type { LifecycleHookBuilder } from "./agents/hook_builder.ts";
export type { ArgsOf, Param, Params, ParamType, ParamValue } from "./agents/schema_helpers.ts";
export type {
  InferInput,
  InferOutput,
  StandardJsonSchemaConverter,
  StandardSchemaIssue,
  StandardSchemaProps,
  StandardSchemaResult,
  StandardSchemaV1,
} from "./agents/standard_schema.ts";

// -- webhooks --
export type {
  ParseTaskWebhookOptions,
  TaskReader,
  VerifyWebhookOptions,
  WebhookErrorReason,
} from "./webhooks/mod.ts";

// -- errors (the classes themselves are values: import them from the main entry) --
export type {
  ErrorContext,
  InferenceErrorOptions,
  RequirementError,
  SessionErrorOptions,
  TimeoutPhase,
  UploadStep,
} from "./errors.ts";
