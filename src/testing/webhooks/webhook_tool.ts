/**
 * A webhook tool called during an emulated turn: the invocation is recorded
 * `in_progress`, the emulator POSTs the arguments (signed when the tool names a
 * secret), and the answer's text becomes the result (`completed`), or the
 * failure its error (`failed`).
 *
 * @module
 */

import type { ChatRecord, Json, Turn } from "../agents/chat_store.ts";
import type { PlannedToolCall } from "../agents/emulated_llm.ts";
import type { EmulatorState } from "../state.ts";

/** Calls the webhook tool `tool` for `turn`; resolves with the text the model sees. */
export async function callWebhookTool(
  state: EmulatorState,
  record: ChatRecord,
  turn: Turn,
  tool: PlannedToolCall,
): Promise<string> {
  const store = state.chats;
  const hook = tool.hook!;
  const id = store.id("tinv");
  const invocation: Json = {
    id,
    "created_at": store.now(),
    "updated_at": store.now(),
    "chat_message_id": turn.assistantId,
    "tool_invocation_id": `call_${id.slice(id.indexOf("_") + 1)}`,
    type: "hook",
    "display_name": tool.name,
    status: "in_progress",
    function: { name: tool.name, arguments: tool.args },
  };
  const calls = (): Json[] =>
    store.message(record, turn.assistantId)?.["tool_invocations"] as Json[] | undefined ?? [];
  store.updateMessage(record, turn.assistantId, { "tool_invocations": [...calls(), invocation] });
  let patch: Json;
  try {
    const result = await state.outbound.callTool(hook.url, hook.secret, tool.args);
    patch = { status: "completed", result };
  } catch (error) {
    patch = { status: "failed", result: `error: ${(error as Error).message ?? String(error)}` };
  }
  turn.controller.signal.throwIfAborted();
  store.updateMessage(record, turn.assistantId, {
    "tool_invocations": calls().map((call) =>
      call.id === id ? { ...call, ...patch, "updated_at": store.now() } : call
    ),
  });
  return String(patch.result);
}
