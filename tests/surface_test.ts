/// <reference lib="deno.ns" />
// The public surface: the main entry stays small enough to read in one sitting,
// every name it exported at 0.7.0 is still exported (by it or by ./types), the
// names of the official README are in it, and ./types has every type of it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "../mod.ts";

const root = new URL("../", import.meta.url);

/** Names `deno doc` lists for an entry point, with their kinds. */
async function surface(entry: string): Promise<Map<string, Set<string>>> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const json = JSON.parse(new TextDecoder().decode(stdout));
  const names = new Map<string, Set<string>>();
  for (const module of Object.values(json.nodes) as { symbols: DocSymbol[] }[]) {
    for (const symbol of module.symbols) {
      names.set(symbol.name, new Set(symbol.declarations.map((d) => d.kind)));
    }
  }
  return names;
}

interface DocSymbol {
  name: string;
  declarations: { kind: string }[];
}

/** What `mod.ts` exported at 0.7.0 plus issue 11 (188 names), before the cut. */
const EXPORTED_BEFORE = [
  "APIConnectionError",
  "AccumulatedDelta",
  "Agent",
  "AgentConfig",
  "AgentReply",
  "AgentRun",
  "AgentTool",
  "AgentToolBuilder",
  "AgentToolConfig",
  "AgentTurnError",
  "Agents",
  "ApiConnectionError",
  "ApiError",
  "ApiMethod",
  "ApiRequestOptions",
  "ApiTaskRequest",
  "App",
  "AppEntry",
  "AppFunctionName",
  "AppInput",
  "AppMismatchError",
  "AppOutput",
  "AppSession",
  "AppSignature",
  "AppTaskRequest",
  "AppTool",
  "AppToolBuilder",
  "AppTypes",
  "AppVersion",
  "Apps",
  "ArgsOf",
  "Attachment",
  "AuthenticationError",
  "BadRequestError",
  "Chat",
  "ChatDelta",
  "ChatMessage",
  "ChatMessageContent",
  "ChatStreamOptions",
  "ChatWaitOptions",
  "Chats",
  "ClientOptions",
  "ClientTool",
  "ClientToolBuilder",
  "ConflictError",
  "CoreApp",
  "CreateAgentOptions",
  "CursorList",
  "ErrorContext",
  "FetchLike",
  "FileObject",
  "Files",
  "FollowOptions",
  "GoneError",
  "HandleFollowOptions",
  "HookEvent",
  "HookHandlerType",
  "HookResolution",
  "HttpMethod",
  "HttpTool",
  "HttpToolBuilder",
  "InconsistentStateError",
  "InferInput",
  "InferOutput",
  "InferenceClient",
  "InferenceError",
  "InferenceErrorOptions",
  "Infra",
  "InternalServerError",
  "InternalToolsBuilder",
  "InternalToolsConfig",
  "JsonSchema",
  "LifecycleHookBuilder",
  "LifecycleHookConfig",
  "LineTooLongError",
  "ListPage",
  "ListParams",
  "McpTool",
  "McpToolBuilder",
  "NotFoundError",
  "OtherTool",
  "OutputSchema",
  "OutputValidationError",
  "Param",
  "ParamType",
  "ParamValue",
  "Params",
  "ParseTaskWebhookOptions",
  "PermissionDeniedError",
  "RateLimitError",
  "RegisteredApp",
  "RequestOptions",
  "RequirementError",
  "RequirementsNotMetError",
  "ResilienceOptions",
  "ResponseMessage",
  "RunOptions",
  "SchemaToolBuilder",
  "SendMessageOptions",
  "Session",
  "SessionEndedError",
  "SessionErrorOptions",
  "SessionExpiredError",
  "SessionNotFoundError",
  "SessionOptions",
  "SessionRunOptions",
  "Sessions",
  "StandardJsonSchemaConverter",
  "StandardSchemaIssue",
  "StandardSchemaProps",
  "StandardSchemaResult",
  "StandardSchemaV1",
  "StreamError",
  "Task",
  "TaskDelta",
  "TaskEvent",
  "TaskHandle",
  "TaskLog",
  "TaskReader",
  "TaskStatus",
  "TaskStatusCancelled",
  "TaskStatusCancelling",
  "TaskStatusCompleted",
  "TaskStatusDispatched",
  "TaskStatusFailed",
  "TaskStatusPreparing",
  "TaskStatusQueued",
  "TaskStatusReceived",
  "TaskStatusRunning",
  "TaskStatusServing",
  "TaskStatusSettingUp",
  "TaskStatusUnknown",
  "TaskStatusUploading",
  "Tasks",
  "TimeoutError",
  "TimeoutPhase",
  "ToolAction",
  "ToolAuth",
  "ToolAuthInput",
  "ToolBuilder",
  "ToolCall",
  "ToolCallContext",
  "ToolCallDelta",
  "ToolHandler",
  "ToolInvocation",
  "UnprocessableEntityError",
  "UploadData",
  "UploadError",
  "UploadOptions",
  "UploadProgress",
  "UploadStep",
  "VerifyWebhookOptions",
  "VersionMismatchError",
  "WaitOptions",
  "WebhookError",
  "WebhookErrorReason",
  "WebhookSignatureError",
  "WebhookTool",
  "WebhookToolBuilder",
  "WorkerLeasedError",
  "WorkerLostError",
  "agentTool",
  "appTool",
  "array",
  "boolean",
  "callTool",
  "enumOf",
  "httpTool",
  "inference",
  "integer",
  "internalTools",
  "isSessionError",
  "isTerminalStatus",
  "lifecycleHook",
  "mcpTool",
  "number",
  "object",
  "optional",
  "parseStatus",
  "parseTaskWebhook",
  "signWebhook",
  "statusName",
  "string",
  "taskHandle",
  "tool",
  "verifyWebhookSignature",
  "webhookTool",
  "withJsonSchema",
];

/** Names the official README imports from the package (seed README). */
const README_VALUES = [
  "inference",
  "tool",
  "appTool",
  "agentTool",
  "webhookTool",
  "internalTools",
  "string",
  "number",
  "integer",
  "boolean",
  "enumOf",
  "object",
  "array",
  "optional",
  "TaskStatusCompleted",
  "TaskStatusFailed",
  "TaskStatusRunning",
  "TaskStatusQueued",
  "TaskStatusCancelled",
];
const README_TYPES = ["Task", "ApiTaskRequest", "RunOptions"];

/** A budget for the main entry's names: it was 188; raising it needs a reason. */
const MAIN_BUDGET = 100;

describe("public surface", () => {
  it(`the main entry exports at most ${MAIN_BUDGET} names`, async () => {
    const main = await surface("mod.ts");
    assert.ok(main.size <= MAIN_BUDGET, `mod.ts exports ${main.size} names`);
  });

  it("every name the main entry exported before is exported by it or by ./types", async () => {
    const main = await surface("mod.ts");
    const types = await surface("src/types.ts");
    assert.deepEqual(EXPORTED_BEFORE.filter((name) => !main.has(name) && !types.has(name)), []);
  });

  it("./types has every type of the main entry, and no values", async () => {
    const main = await surface("mod.ts");
    const types = await surface("src/types.ts");
    const typeKinds = new Set(["interface", "typeAlias"]);
    // Pure types (an error class with a type alias of the same name is a value).
    const mainTypes = [...main].filter(([, kinds]) => [...kinds].every((k) => typeKinds.has(k)));
    assert.deepEqual(mainTypes.map(([name]) => name).filter((name) => !types.has(name)), []);
    // Type-only: classes are re-exported as types (nothing reaches a bundle).
    const source = await Deno.readTextFile(new URL("src/types.ts", root));
    assert.doesNotMatch(source, /^export \{/m);
  });

  it("the README's names are in the main entry", async () => {
    const exported = sdk as unknown as Record<string, unknown>;
    for (const name of README_VALUES) assert.notEqual(exported[name], undefined, name);
    const main = await surface("mod.ts");
    for (const name of README_TYPES) assert.ok(main.has(name), name);
  });
});
