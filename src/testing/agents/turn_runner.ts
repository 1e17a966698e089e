/**
 * Runs one scripted turn of a chat, publishing in the order of docs/protocol.md §7.4:
 * `chats` (busy) → `chat_messages` (user) → `agent_runs` (working) → deltas →
 * `chat_messages` (assistant, as tool state changes) → final `chat_messages`
 * (ready) → `agent_runs` (completed) → `chats` (idle, with `output`). A client
 * tool call parks the run in `input_required` until `POST /tools/{id}` answers.
 * Also stops turns (`POST /chats/{id}/stop`).
 *
 * @module
 */

import { wordPieces } from "../apps/text_stream.ts";
import { shortId } from "../ids.ts";
import type { EmulatorState } from "../state.ts";
import { type ChatRecord, contentPart, type Json, type Turn } from "./chat_store.ts";
import { planTurn } from "./emulated_llm.ts";
import { callWebhookTool } from "../webhooks/webhook_tool.ts";

/**
 * Starts a turn answering `user` (already stored): creates the run and the
 * pending assistant message and marks the chat busy, synchronously, so the
 * chat is busy before `POST /agents/run` answers (docs/protocol.md §7.5). Returns the
 * assistant message.
 */
export function beginTurn(state: EmulatorState, record: ChatRecord, user: Json): Json {
  const store = state.chats;
  const now = store.now();
  const runId = store.id("run");
  const run: Json = {
    id: runId,
    "short_id": shortId(runId),
    "created_at": now,
    "updated_at": now,
    "chat_id": record.chat.id,
    "agent_id": record.setup.agentId,
    "agent_version_id": record.setup.agentVersionId,
    "user_message_id": user.id,
    state: "submitted",
  };
  const assistant = store.addMessage(record, {
    role: "assistant",
    status: "pending",
    "agent_run_id": run.id,
    content: [],
    "tool_invocations": [],
  });
  const turn: Turn = {
    run,
    userMessageId: String(user.id),
    assistantId: String(assistant.id),
    controller: new AbortController(),
    deltas: [],
    seq: 0,
  };
  record.turn = turn;
  Object.assign(record.chat, { status: "busy", "active_run": structuredClone(run) });
  void drive(state, record, turn, textOf(user));
  return assistant;
}

function textOf(message: Json): string {
  const parts = Array.isArray(message.content) ? message.content as Json[] : [];
  return parts.filter((part) => part.type === "text").map((part) => String(part.text ?? "")).join(
    "",
  );
}

async function drive(
  state: EmulatorState,
  record: ChatRecord,
  turn: Turn,
  text: string,
): Promise<void> {
  const store = state.chats;
  const { signal } = turn.controller;
  const step = (): Promise<void> => state.timers.sleep(state.stepMs, signal);
  const assistant = (): Json => store.message(record, turn.assistantId) as Json;
  let written = "";
  const say = async (words: string): Promise<void> => {
    for (const piece of wordPieces(words)) {
      await step();
      written += piece;
      store.updateMessage(record, turn.assistantId, {
        content: [contentPart({ type: "text", text: written })],
      }, false);
      store.delta(record, turn, { response: piece });
    }
  };
  try {
    await step();
    store.updateChat(record, {});
    const user = store.message(record, turn.userMessageId);
    if (user) store.publishMessage(record, user);
    store.updateRun(record, turn.run, { state: "working" });
    const script = planTurn(record.setup.config, text);
    await say(script.opening);
    await step();
    store.publishMessage(record, assistant());
    let result: string | undefined;
    if (script.tool?.hook) {
      result = await callWebhookTool(state, record, turn, script.tool);
    } else if (script.tool) {
      const id = store.id("tinv");
      const invocation: Json = {
        id,
        "short_id": shortId(id),
        "created_at": store.now(),
        "updated_at": store.now(),
        "chat_message_id": turn.assistantId,
        "tool_invocation_id": `call_${id.slice(8)}`,
        type: "client",
        "display_name": script.tool.name,
        // A client tool waits for the caller's result: `awaiting_input`, as the
        // live API and the Python SDK have it (docs/protocol.md §7.8).
        status: script.tool.approval ? "awaiting_approval" : "awaiting_input",
        function: { name: script.tool.name, arguments: script.tool.args },
      };
      const answered = new Promise<string>((resolve) => {
        store.addInvocation(id, {
          chatId: String(record.chat.id),
          messageId: turn.assistantId,
          resolve,
        });
      });
      const invocations = [...(assistant()["tool_invocations"] as Json[] ?? []), invocation];
      store.updateMessage(record, turn.assistantId, { "tool_invocations": invocations });
      store.updateRun(record, turn.run, { state: "input_required" });
      result = await abortable(answered, signal);
      store.updateRun(record, turn.run, { state: "working" });
    }
    await say(script.closing(result));
    const output = script.output(result);
    await step();
    store.updateMessage(record, turn.assistantId, { status: "ready" });
    store.updateRun(record, turn.run, { state: "completed" });
    finish(state, record, turn, output === undefined ? null : output);
  } catch (error) {
    // Stopped, reset or closed: whoever aborted already set the state.
    if (signal.aborted) return;
    const reason = error instanceof Error ? error.message : String(error);
    store.updateMessage(record, turn.assistantId, {
      status: "failed",
      content: [
        contentPart({ type: "text", text: written }),
        contentPart({ type: "text", error: reason }),
      ],
    });
    store.updateRun(record, turn.run, { state: "failed", error: reason });
    finish(state, record, turn, null);
  }
}

/** Ends `turn`: starts the next queued message (the chat stays busy), or goes idle. */
function finish(state: EmulatorState, record: ChatRecord, turn: Turn, output: unknown): void {
  if (record.turn !== turn) return;
  record.turn = undefined;
  const next = record.queue.shift();
  const user = next === undefined ? undefined : state.chats.message(record, next);
  if (user) {
    state.chats.updateMessage(record, String(user.id), { status: "ready" }, false);
    beginTurn(state, record, user);
    return;
  }
  state.chats.updateChat(record, {
    status: "idle",
    output,
    "active_run": structuredClone(turn.run),
  });
}

/** Stops the running turn: assistant `cancelled`, run `canceled`, queued messages cancelled, chat idle. */
export function stopTurn(state: EmulatorState, record: ChatRecord): void {
  const turn = record.turn;
  if (!turn) return;
  const store = state.chats;
  record.turn = undefined;
  turn.controller.abort(new DOMException("turn stopped", "AbortError"));
  const assistant = store.message(record, turn.assistantId);
  const invocations = (assistant?.["tool_invocations"] as Json[] | undefined ?? []).map((call) =>
    call.status === "completed" ? call : { ...call, status: "cancelled" }
  );
  for (const call of invocations) {
    const pending = store.invocation(String(call.id));
    if (pending) pending.resolve = undefined;
  }
  store.updateMessage(record, turn.assistantId, {
    status: "cancelled",
    "tool_invocations": invocations,
  });
  store.updateRun(record, turn.run, { state: "canceled" });
  for (const id of record.queue.splice(0)) store.updateMessage(record, id, { status: "cancelled" });
  store.updateChat(record, { status: "idle", "active_run": structuredClone(turn.run) });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
