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
 * - Webhooks: {@linkcode parseTaskWebhook} and {@linkcode verifyWebhookSignature}.
 *
 * This entry has what most code names. Every other type (options and results
 * of each method, tool JSON and builders, error options) comes from
 * `@inferencesh/sdk/types`:
 *
 * ```ts
 * import type { FollowOptions, ToolCall } from "@inferencesh/sdk/types";
 * ```
 *
 * The emulator is in `@inferencesh/sdk/testing`, the proxy in
 * `@inferencesh/sdk/proxy`, and a lean tasks-only client in `@inferencesh/sdk/tasks`.
 *
 * @module
 */

export { inference, InferenceClient } from "./src/client.ts";
export type { ClientOptions } from "./src/http/config.ts";

// -- tasks --
export type { RunOptions, Tasks } from "./src/tasks/tasks.ts";
export type { ApiTaskRequest, Task } from "./src/tasks/types.ts";
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
export { type TaskHandle, taskHandle } from "./src/tasks/handle.ts";
export type { AppInput, AppOutput, AppTypes } from "./src/apps/types.ts";

// -- the other resources --
export type { Files } from "./src/files/files.ts";
export type { Session, Sessions } from "./src/sessions/sessions.ts";
export type { Apps } from "./src/apps/apps.ts";
export type { Chats } from "./src/chats/chats.ts";
export type { Agents } from "./src/agents/agents.ts";
export type { Agent } from "./src/agents/agent.ts";
export type { AgentReply } from "./src/agents/turn.ts";
export type { AgentConfig } from "./src/agents/types.ts";

// -- tools and hooks for agents, and their schema helpers --
export {
  agentTool,
  appTool,
  callTool,
  httpTool,
  internalTools,
  mcpTool,
  tool,
  webhookTool,
} from "./src/agents/tool_builder.ts";
export { lifecycleHook } from "./src/agents/hook_builder.ts";
export {
  array,
  boolean,
  enumOf,
  integer,
  number,
  object,
  optional,
  string,
} from "./src/agents/schema_helpers.ts";
export { withJsonSchema } from "./src/agents/standard_schema.ts";

// -- webhooks --
export {
  parseTaskWebhook,
  signWebhook,
  verifyWebhookSignature,
  WebhookError,
  WebhookSignatureError,
} from "./src/webhooks/mod.ts";

// -- errors --
export { InconsistentStateError, LineTooLongError } from "./src/streaming/errors.ts";
export { AgentTurnError, OutputValidationError } from "./src/agents/errors.ts";
export {
  APIConnectionError,
  ApiConnectionError,
  ApiError,
  AppMismatchError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GoneError,
  InferenceError,
  InternalServerError,
  isSessionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequirementsNotMetError,
  SessionEndedError,
  SessionError,
  SessionExpiredError,
  SessionNotFoundError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
  UploadError,
  VersionMismatchError,
  WorkerLeasedError,
  WorkerLostError,
} from "./src/errors.ts";
