/**
 * The plain chat calls (docs/protocol.md §7.2, §7.8, §7.9): send a message, stop a turn,
 * submit a tool result.
 *
 * @module
 */

import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import type { ChatMessage } from "./types.ts";

/**
 * What a widget or approval answer looks like, for {@linkcode submitToolResult}:
 * sent as JSON text in `result`.
 *
 * @example
 * ```ts
 * import type { ToolAction } from "@inferencesh/sdk/types";
 * const answer: ToolAction = { action: { type: "confirm", payload: { a: 1 } }, "form_data": { name: "J" } };
 * ```
 */
export interface ToolAction {
  /** The action taken, e.g. `{ type: "confirm" }`. */
  action: { type: string; payload?: unknown };
  /** Values of the widget's form. */
  "form_data"?: Record<string, unknown> | undefined;
  /** Any other field. */
  [field: string]: unknown;
}

/** The answer of `POST /agents/run`: both messages are optional (a queued message has no assistant yet). */
export interface CreatedMessages {
  "user_message"?: ChatMessage | undefined;
  "assistant_message"?: ChatMessage | undefined;
}

/** `POST /agents/run`. */
export async function postMessage(
  http: HttpClient,
  body: Record<string, unknown>,
  options: RequestOptions,
): Promise<CreatedMessages> {
  const created = await http.json<CreatedMessages | null | undefined>({
    method: "POST",
    path: "/agents/run",
    body,
    action: body["chat_id"] ? `send message to chat "${String(body["chat_id"])}"` : "send message",
    retry: "create",
    ...options,
  });
  return typeof created === "object" && created !== null ? created : {};
}

/** `POST /chats/{id}/stop`. */
export async function stopChat(
  http: HttpClient,
  chatId: string,
  options: RequestOptions,
): Promise<void> {
  await http.json<unknown>({
    method: "POST",
    path: `/chats/${segment(chatId, "chatId")}/stop`,
    action: `stop chat "${chatId}"`,
    retry: "idempotent",
    ...options,
  });
}

/** The `result` string of a tool result: strings as they are, anything else as JSON. */
export function resultText(result: unknown, field = "result"): string {
  if (typeof result === "string") return result;
  if (result === undefined || typeof result === "function" || typeof result === "symbol") {
    throw new TypeError(`Invalid argument '${field}': must be a string or a JSON value`);
  }
  const text = JSON.stringify(result);
  if (text === undefined) {
    throw new TypeError(`Invalid argument '${field}': must be a string or a JSON value`);
  }
  return text;
}

/**
 * `POST /tools/{id}` with `{"result": "<string>"}` (docs/protocol.md §7.8; one shape
 * always, docs/protocol.md §10 A7): a string is sent as is, anything else as its JSON text.
 */
export async function submitToolResult(
  http: HttpClient,
  toolId: string,
  resultOrAction: unknown,
  options: RequestOptions,
): Promise<void> {
  const path = `/tools/${segment(toolId, "toolId")}`;
  const result = resultText(resultOrAction, "resultOrAction");
  await http.json<unknown>({
    method: "POST",
    path,
    body: { result },
    action: `submit the result of tool call "${toolId}"`,
    retry: "create",
    ...options,
  });
}
