/**
 * TypeScript client for [inference.sh](https://inference.sh): run AI apps (FLUX,
 * LLMs, video, 250+ models) as tasks, and follow them live over a stream that
 * reconnects by itself. Web standards only, no dependencies: Deno, Bun, Node 20.19+,
 * Cloudflare Workers, Vercel Edge and browsers.
 *
 * ```ts
 * import { inference, TaskStatusCompleted } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * // A local emulator of the API; with a real key, drop `fetch`.
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 *
 * const result = await client.tasks.run(
 *   { app: "infsh/text-stream", input: { prompt: "hello" } },
 *   { onUpdate: (task) => console.log(task.status), onDelta: (d) => console.log(d.delta.response) },
 * );
 * if (result.status === TaskStatusCompleted) console.log(result.output);
 * emulator.close();
 * ```
 *
 * Where to start:
 *
 * - {@linkcode inference} creates the client. `client.tasks` runs apps and
 *   follows, reads, lists and cancels tasks ({@linkcode Tasks}); `client.files`,
 *   `client.sessions`, `client.agents`, `client.apps` and `client.chats` are the
 *   other resources; `client.request()` reaches any other endpoint.
 * - Typed apps: register them in {@linkcode AppTypes} (`inferencesh types ns/app`
 *   writes the file), or pass types or an `outputSchema` to `tasks.run`.
 * - Tools and hooks for agents: {@linkcode tool} and its siblings, with the
 *   schema helpers {@linkcode string}, {@linkcode number}, {@linkcode object}….
 * - Errors: everything the SDK throws for API, transport and stream trouble
 *   extends {@linkcode InferenceError}; bad arguments are a `TypeError` or
 *   `RangeError` before any request.
 * - Every other name is a type those use.
 *
 * @module
 */

export { inference, InferenceClient } from "./src/client.ts";
export type { ClientOptions, FetchLike, ResponseMessage } from "./src/http/config.ts";
export type { RequestOptions } from "./src/http/core.ts";
export type {
  FollowOptions,
  HandleFollowOptions,
  RunOptions,
  Tasks,
  WaitOptions,
} from "./src/tasks/tasks.ts";
export type { ResilienceOptions } from "./src/streaming/options.ts";
export { InconsistentStateError, LineTooLongError } from "./src/streaming/errors.ts";
export type {
  ApiTaskRequest,
  Infra,
  Task,
  TaskDelta,
  TaskEvent,
  TaskLog,
} from "./src/tasks/types.ts";
export type { Apps } from "./src/apps/apps.ts";
export type { Chats } from "./src/chats/chats.ts";
export type { CursorList, ListPage, ListParams } from "./src/lists/cursor_list.ts";
export type { ApiMethod, ApiRequestOptions } from "./src/request/request.ts";
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
} from "./src/apps/types.ts";
export type { AccumulatedDelta, ToolCallDelta } from "./src/tasks/delta.ts";
export {
  isTerminalStatus,
  parseStatus,
  statusName,
  type TaskStatus,
  TaskStatusCancelled,
  TaskStatusCancelling,
  TaskStatusCompleted,
  TaskStatusDispatched,
  TaskStatusFailed,
  TaskStatusPreparing,
  TaskStatusQueued,
  TaskStatusReceived,
  TaskStatusRunning,
  TaskStatusServing,
  TaskStatusSettingUp,
  TaskStatusUnknown,
  TaskStatusUploading,
} from "./src/tasks/status.ts";
// -- files and sessions (issue 3) --
export type { Files } from "./src/files/files.ts";
export type { FileObject, UploadData, UploadOptions, UploadProgress } from "./src/files/types.ts";
export type { Session, Sessions } from "./src/sessions/sessions.ts";
export type { AppSession, SessionOptions, SessionRunOptions } from "./src/sessions/types.ts";
export { UploadError, type UploadStep } from "./src/errors.ts";
// -- end files and sessions --

// -- agents (issue 4) --
export type { Agents, CreateAgentOptions } from "./src/agents/agents.ts";
export type { Agent } from "./src/agents/agent.ts";
export type { ChatStreamOptions, SendMessageOptions } from "./src/agents/agent_options.ts";
export type { Attachment } from "./src/agents/attachments.ts";
export type { ToolCall } from "./src/agents/tool_runner.ts";
export type { AgentReply } from "./src/agents/turn.ts";
export type { ToolAction } from "./src/agents/chat_api.ts";
export { AgentTurnError, OutputValidationError } from "./src/agents/errors.ts";
export {
  agentTool,
  type AgentToolBuilder,
  appTool,
  type AppToolBuilder,
  callTool,
  type ClientToolBuilder,
  httpTool,
  type HttpToolBuilder,
  internalTools,
  type InternalToolsBuilder,
  mcpTool,
  type McpToolBuilder,
  type SchemaToolBuilder,
  tool,
  type ToolBuilder,
  type ToolHandler,
  webhookTool,
  type WebhookToolBuilder,
} from "./src/agents/tool_builder.ts";
export { lifecycleHook, type LifecycleHookBuilder } from "./src/agents/hook_builder.ts";
export {
  type ArgsOf,
  array,
  boolean,
  enumOf,
  integer,
  number,
  object,
  optional,
  type Param,
  type Params,
  type ParamType,
  type ParamValue,
  string,
} from "./src/agents/schema_helpers.ts";
export {
  type InferInput,
  type InferOutput,
  type StandardJsonSchemaConverter,
  type StandardSchemaIssue,
  type StandardSchemaProps,
  type StandardSchemaResult,
  type StandardSchemaV1,
  withJsonSchema,
} from "./src/agents/standard_schema.ts";
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
} from "./src/agents/types.ts";
// -- end agents --

// -- durable tasks and webhooks (issue 13) --
export { type TaskHandle, taskHandle } from "./src/tasks/handle.ts";
export type { ChatWaitOptions } from "./src/agents/wait_chat.ts";
export {
  parseTaskWebhook,
  type ParseTaskWebhookOptions,
  signWebhook,
  type TaskReader,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  WebhookError,
  type WebhookErrorReason,
  WebhookSignatureError,
} from "./src/webhooks/mod.ts";
// -- end durable tasks and webhooks --

export {
  APIConnectionError,
  ApiConnectionError,
  ApiError,
  AppMismatchError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type ErrorContext,
  GoneError,
  InferenceError,
  type InferenceErrorOptions,
  InternalServerError,
  isSessionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  type RequirementError,
  RequirementsNotMetError,
  SessionEndedError,
  type SessionErrorOptions,
  SessionExpiredError,
  SessionNotFoundError,
  StreamError,
  TimeoutError,
  type TimeoutPhase,
  UnprocessableEntityError,
  VersionMismatchError,
  WorkerLeasedError,
  WorkerLostError,
} from "./src/errors.ts";
