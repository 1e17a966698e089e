/**
 * `/agents/run`, `/chats/...` and `/tools/...` endpoints (docs/protocol.md §7).
 *
 * @module
 */

import { invalidField, parseJsonObject } from "../http/body.ts";
import { ok, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import { openStream } from "../streams/open_stream.ts";
import { type AgentSetup, type ChatRecord, contentPart, type Json } from "./chat_store.ts";
import { messagePage } from "./message_pages.ts";
import { findTemplate } from "./templates.ts";
import { beginTurn, stopTurn } from "./turn_runner.ts";

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The chat named by the `:id` parameter, or a 404 `CHAT_NOT_FOUND` problem. */
function findChat(context: RouteContext, id = context.params["id"] ?? ""): ChatRecord | Response {
  return context.state.chats.get(id) ?? problem({
    status: 404,
    code: "CHAT_NOT_FOUND",
    title: "Chat not found",
    detail: `chat ${id} does not exist`,
  });
}

/** The agent a run request names, or the problem to answer with. */
function setupOf(body: Json): AgentSetup | Response | undefined {
  const agent = body.agent;
  const config = body["agent_config"];
  if (agent !== undefined && agent !== null && config !== undefined && config !== null) {
    return invalidField("agent", "send either agent or agent_config, not both");
  }
  if (agent !== undefined && agent !== null) {
    if (typeof agent !== "string" || agent === "") {
      return invalidField("agent", "agent must be a template reference namespace/name@version");
    }
    const template = findTemplate(agent);
    if (!template) {
      return problem({
        status: 404,
        code: "AGENT_NOT_FOUND",
        title: "Agent not found",
        detail: `agent ${agent} does not exist`,
      });
    }
    return {
      config: structuredClone(template.config),
      ref: template.ref,
      agentId: template.agentId,
      agentVersionId: template.versionId,
    };
  }
  if (config === undefined || config === null) return undefined;
  if (!isObject(config)) return invalidField("agent_config", "agent_config must be an object");
  const core = config["core_app"];
  if (!isObject(core) || typeof core.ref !== "string" || core.ref === "") {
    return invalidField("agent_config.core_app", "agent_config.core_app must be { ref: string }");
  }
  const tools = config.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return invalidField("agent_config.tools", "tools must be an array");
    for (const [index, tool] of tools.entries()) {
      const field = `agent_config.tools[${index}]`;
      if (!isObject(tool) || typeof tool.name !== "string" || tool.name === "") {
        return invalidField(
          field,
          `${field} must be a tool with a name (got ${JSON.stringify(tool)})`,
        );
      }
      if (typeof tool.type !== "string" || tool.type === "") {
        return invalidField(field, `${field} must have a type`);
      }
    }
  }
  const schema = config["output_schema"];
  if (schema !== undefined && schema !== null && !isObject(schema)) {
    return invalidField("agent_config.output_schema", "output_schema must be a JSON Schema object");
  }
  return {
    config: structuredClone(config),
    ref: undefined,
    agentId: undefined,
    agentVersionId: undefined,
  };
}

function strings(value: unknown, field: string): string[] | Response {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    return invalidField(field, `${field} must be an array of URI strings`);
  }
  return value;
}

/** A user message part of one attachment: an image part for `image/*`, else a file part. */
type Part = Json;

/**
 * `input.attachments`, the file references newer clients send
 * (`{id, uri, filename, content_type, size}`; only `uri` is required), as the
 * parts the API fills `images`/`files` from (docs/protocol.md §7.2).
 */
function attachments(value: unknown): Part[] | Response {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    return invalidField("input.attachments", "input.attachments must be an array of files");
  }
  const parts: Part[] = [];
  for (const [index, item] of value.entries()) {
    const field = `input.attachments[${index}]`;
    if (!isObject(item) || typeof item.uri !== "string" || item.uri === "") {
      return invalidField(field, `${field} must be a file reference with a uri`);
    }
    const type = typeof item["content_type"] === "string" ? item["content_type"] : "";
    parts.push(
      type.toLowerCase().startsWith("image/")
        ? contentPart({ type: "image", image: item.uri })
        : contentPart({ type: "file", file: item.uri }),
    );
  }
  return parts;
}

function run(context: RouteContext): Response {
  const parsed = parseJsonObject(context.text);
  if (!parsed.ok) return parsed.response;
  const body = parsed.value;
  const input = body.input;
  if (!isObject(input)) return invalidField("input", "input must be an object with text");
  if (typeof input.text !== "string") {
    return invalidField("input.text", "input.text must be a string");
  }
  const images = strings(input.images, "input.images");
  if (images instanceof Response) return images;
  const files = strings(input.files, "input.files");
  if (files instanceof Response) return files;
  const attached = attachments(input.attachments);
  if (attached instanceof Response) return attached;
  const setup = setupOf(body);
  if (setup instanceof Response) return setup;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    return invalidField("stream", "stream must be a boolean");
  }
  const store = context.state.chats;
  const chatId = body["chat_id"];
  let record: ChatRecord;
  if (chatId !== undefined && chatId !== null && chatId !== "") {
    if (typeof chatId !== "string") {
      return invalidField("chat_id", "chat_id must be a string or null");
    }
    const found = findChat(context, chatId);
    if (found instanceof Response) return found;
    record = found;
    if (setup) record.setup = setup;
  } else {
    if (!setup) return invalidField("agent", "send agent (a template) or agent_config");
    const fields: Json = {};
    if (typeof body["agent_name"] === "string") fields["agent_name"] = body["agent_name"];
    if (isObject(body.context)) fields.context = structuredClone(body.context);
    record = store.create(setup, fields);
  }
  const busy = record.turn !== undefined;
  const user = store.addMessage(record, {
    role: "user",
    status: busy ? "queued" : "ready",
    content: [
      contentPart({ type: "text", text: input.text }),
      ...images.map((image) => contentPart({ type: "image", image })),
      ...files.map((file) => contentPart({ type: "file", file })),
      ...attached,
    ],
  });
  if (busy) {
    // The running turn answers first; this message waits its turn (no assistant yet).
    record.queue.push(String(user.id));
    store.publishMessage(record, user);
    return ok({ "user_message": structuredClone(user) });
  }
  const assistant = beginTurn(context.state, record, user);
  if (body.stream === true) return streamTurn(context, record, String(assistant.id));
  return ok({
    "user_message": structuredClone(user),
    "assistant_message": structuredClone(assistant),
  });
}

const TERMINAL_MESSAGE = ["ready", "failed", "cancelled"];

/**
 * `POST /agents/run` with `stream: true` (docs/protocol.md §7.3): the answer is
 * the turn itself, one bare snapshot of the assistant message per change
 * (deltas included, as the text so far), `{"event":"agent_runs",…}` lines for
 * the run, heartbeats, and the end of the body after the terminal snapshot.
 */
function streamTurn(context: RouteContext, record: ChatRecord, assistantId: string): Response {
  const { state } = context;
  const store = state.chats;
  let unsubscribe = (): void => {};
  const opened = openStream(state, context.request, () => unsubscribe());
  const line = opened.stream;
  const runId = store.message(record, assistantId)?.["agent_run_id"];
  const snapshot = (): void => {
    const message = store.message(record, assistantId);
    if (!message) return;
    line.send(structuredClone(message));
    if (TERMINAL_MESSAGE.includes(String(message.status)) && line.active) line.end();
  };
  snapshot();
  if (!line.active) return opened.response;
  unsubscribe = store.subscribe(String(record.chat.id), (change) => {
    if (change.event === "removed") {
      if (line.active) line.end();
    } else if (change.event === "agent_runs") {
      if (change.data["id"] === runId) line.sendEvent("agent_runs", change.data);
    } else if (change.event === "delta") {
      if (change.data["resource_id"] === assistantId) snapshot();
    } else if (change.event === "chat_messages" && change.data["id"] === assistantId) {
      snapshot();
    }
  });
  return opened.response;
}

function stream(context: RouteContext): Response {
  const record = findChat(context);
  if (record instanceof Response) return record;
  const { state } = context;
  let unsubscribe = (): void => {};
  const opened = openStream(state, context.request, () => unsubscribe());
  const line = opened.stream;
  line.sendEvent("chats", state.chats.snapshot(record));
  // A client connecting mid-turn gets the turn's deltas so far (it drops those it has, by seq).
  for (const delta of record.turn?.deltas ?? []) line.sendEvent("delta", structuredClone(delta));
  if (!line.active) return opened.response;
  unsubscribe = state.chats.subscribe(String(record.chat.id), (change) => {
    if (change.event === "removed") {
      if (line.active) line.end();
    } else {
      line.sendEvent(change.event, change.data);
    }
  });
  return opened.response;
}

function submitTool(context: RouteContext): Response {
  const parsed = parseJsonObject(context.text);
  if (!parsed.ok) return parsed.response;
  const body = parsed.value;
  const id = context.params["id"] ?? "";
  const store = context.state.chats;
  const invocation = store.invocation(id);
  const record = invocation ? store.get(invocation.chatId) : undefined;
  if (!invocation || !record) {
    return problem({
      status: 404,
      code: "TOOL_INVOCATION_NOT_FOUND",
      title: "Tool invocation not found",
      detail: `tool invocation ${id} does not exist`,
    });
  }
  const resolve = invocation.resolve;
  if (!resolve) {
    return problem({
      status: 409,
      code: "TOOL_INVOCATION_NOT_PENDING",
      detail: `tool invocation ${id} is not waiting for a result`,
    });
  }
  // `{"result": "<string>"}`; a raw object body (the React helper's shape) is kept as JSON text.
  const result = typeof body.result === "string"
    ? body.result
    : JSON.stringify("result" in body ? body.result : body);
  invocation.resolve = undefined;
  const message = store.message(record, invocation.messageId);
  const calls = (message?.["tool_invocations"] as Json[] | undefined ?? []).map((call) =>
    call.id === id ? { ...call, status: "completed", result, "updated_at": store.now() } : call
  );
  store.updateMessage(record, invocation.messageId, { "tool_invocations": calls });
  resolve(result);
  return ok(null);
}

/** Agent and chat routes. */
export const agentRoutes: readonly Route[] = [
  { method: "POST", path: "/agents/run", handle: run },
  {
    method: "GET",
    path: "/chats/:id",
    handle: (context) => {
      const record = findChat(context);
      return record instanceof Response ? record : ok(context.state.chats.full(record));
    },
  },
  {
    method: "GET",
    path: "/chats/:id/status",
    handle: (context) => {
      const record = findChat(context);
      if (record instanceof Response) return record;
      const { id, status } = record.chat;
      return ok({ id, status, "updated_at": record.chat["updated_at"] });
    },
  },
  {
    method: "GET",
    path: "/chats/:id/messages",
    handle: (context) => {
      const record = findChat(context);
      if (record instanceof Response) return record;
      const page = messagePage(record.messages, context.url);
      return page instanceof Response ? page : ok(page);
    },
  },
  { method: "GET", path: "/chats/:id/stream", handle: stream },
  {
    method: "POST",
    path: "/chats/:id/stop",
    handle: (context) => {
      const record = findChat(context);
      if (record instanceof Response) return record;
      stopTurn(context.state, record);
      return ok(null);
    },
  },
  { method: "POST", path: "/tools/:id", handle: submitTool },
];
