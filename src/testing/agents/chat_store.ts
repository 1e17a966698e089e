/**
 * Chats, messages, runs and tool invocations of the emulator (docs/protocol.md §7, §11.5),
 * and the subscribers (open chat streams) every change is published to.
 *
 * @module
 */

import type { Clock } from "../clock.ts";
import { EMULATOR_TEAM_ID, EMULATOR_USER_ID, type Ids, shortId } from "../ids.ts";
import { timestamp } from "../state.ts";

/** A JSON object as stored and sent. */
export type Json = Record<string, unknown>;

/**
 * A message content part as the live API writes it: every key present, `null`
 * when unused (docs/protocol.md §7.7).
 */
export function contentPart(fields: Json & { type: string }): Json {
  const { type, ...rest } = fields;
  return { type, error: null, text: null, image: null, file: null, "tool_calls": null, ...rest };
}

/** A change published to a chat's subscribers: one stream line each. */
export type ChatChange =
  | { event: "chats" | "chat_messages" | "agent_runs" | "delta"; data: Json }
  | { event: "removed" };

/** What a scripted turn needs to know about its agent. */
export interface AgentSetup {
  /** The `agent_config` sent (or the template's). */
  config: Json;
  /** Template reference, when the chat runs a template. */
  ref: string | undefined;
  /** Template ids, when the chat runs a template. */
  agentId: string | undefined;
  agentVersionId: string | undefined;
}

/** A turn being run. */
export interface Turn {
  /** The run (`AgentRunDTO`). */
  readonly run: Json;
  /** The user message that started it. */
  readonly userMessageId: string;
  /** The assistant message being written. */
  readonly assistantId: string;
  /** Aborted by stop, reset and close. */
  readonly controller: AbortController;
  /** Every delta sent so far, replayed to streams that connect mid-turn. */
  readonly deltas: Json[];
  /** Last delta `seq` (deltas count from 1 per message). */
  seq: number;
}

/** One stored chat. */
export interface ChatRecord {
  /** The chat fields (`ChatDTO` without `chat_messages`). */
  readonly chat: Json;
  /** Messages in `order`. */
  readonly messages: Json[];
  setup: AgentSetup;
  turn: Turn | undefined;
  /** Queued user messages waiting for the running turn to end. */
  readonly queue: string[];
  readonly subscribers: Set<(change: ChatChange) => void>;
}

/** Where a tool invocation lives, and who waits for its result. */
export interface InvocationRecord {
  readonly chatId: string;
  readonly messageId: string;
  /** Resolves the turn waiting for the result; `undefined` once answered. */
  resolve: ((result: string) => void) | undefined;
}

/** Every chat of one emulator. */
export class ChatStore {
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #messagesInChat: boolean;
  readonly #chats = new Map<string, ChatRecord>();
  readonly #invocations = new Map<string, InvocationRecord>();

  /**
   * @param messagesInChat Whether `GET /chats/{id}` carries `chat_messages`
   * (the real API may leave them out: docs/protocol.md §7.7, §10 A9).
   */
  constructor(clock: Clock, ids: Ids, messagesInChat = true) {
    this.#clock = clock;
    this.#ids = ids;
    this.#messagesInChat = messagesInChat;
  }

  /** The current time as RFC 3339. */
  now(): string {
    return timestamp(this.#clock);
  }

  /** The next id for `prefix`. */
  id(prefix: string): string {
    return this.#ids.next(prefix);
  }

  /** Creates an idle chat running `setup`. */
  create(setup: AgentSetup, fields: Json): ChatRecord {
    const now = this.now();
    const id = this.id("chat");
    const record: ChatRecord = {
      chat: {
        id,
        "short_id": shortId(id),
        "created_at": now,
        "updated_at": now,
        "user_id": EMULATOR_USER_ID,
        "team_id": EMULATOR_TEAM_ID,
        visibility: "team",
        status: "idle",
        name: "",
        description: "",
        "agent_id": setup.agentId,
        "agent_version_id": setup.agentVersionId,
        output: null,
        "active_run": null,
        "pending_interrupts": [],
        "agent_data": { "plan_steps": [], memory: {}, "always_allowed_tools": [] },
        ...fields,
      },
      messages: [],
      setup,
      turn: undefined,
      queue: [],
      subscribers: new Set(),
    };
    this.#chats.set(id, record);
    return record;
  }

  /** Every chat, oldest first (for `POST /chats/list`). */
  all(): ChatRecord[] {
    return [...this.#chats.values()];
  }

  /** The chat `id`, if it exists. */
  get(id: string): ChatRecord | undefined {
    return this.#chats.get(id);
  }

  /**
   * The chat as `GET /chats/{id}` answers: with its messages, unless the store
   * leaves them to `GET /chats/{id}/messages` like the real API.
   */
  full(record: ChatRecord): Json {
    if (!this.#messagesInChat) return structuredClone(record.chat);
    return structuredClone({ ...record.chat, "chat_messages": record.messages });
  }

  /** The chat as the `chats` stream event carries it: without messages. */
  snapshot(record: ChatRecord): Json {
    return structuredClone(record.chat);
  }

  /** Adds a message with the next `order`. */
  addMessage(record: ChatRecord, fields: Json): Json {
    const now = this.now();
    const last = record.messages.at(-1);
    const id = this.id("msg");
    const message: Json = {
      id,
      "short_id": shortId(id),
      "created_at": now,
      "updated_at": now,
      // The keys a live ChatMessage carries even when empty (docs/protocol.md §7.3).
      "deleted_at": null,
      "user_id": EMULATOR_USER_ID,
      user: null,
      "team_id": EMULATOR_TEAM_ID,
      team: null,
      visibility: "team",
      "chat_id": record.chat.id,
      chat: null,
      "task_id": null,
      tools: null,
      "tool_call_id": null,
      order: typeof last?.order === "number" ? last.order + 1 : 1,
      content: [],
      ...fields,
    };
    record.messages.push(message);
    return message;
  }

  /** The message `id` of the chat. */
  message(record: ChatRecord, id: string): Json | undefined {
    return record.messages.find((message) => message.id === id);
  }

  /** Changes a message; publishes it whole unless `publish` is false. */
  updateMessage(record: ChatRecord, id: string, patch: Json, publish = true): Json | undefined {
    const message = this.message(record, id);
    if (!message) return undefined;
    Object.assign(message, patch, { "updated_at": this.now() });
    if (publish) this.publishMessage(record, message);
    return message;
  }

  /** Publishes a message whole. */
  publishMessage(record: ChatRecord, message: Json): void {
    this.publish(record, { event: "chat_messages", data: structuredClone(message) });
  }

  /** Changes the chat and publishes a `chats` snapshot. */
  updateChat(record: ChatRecord, patch: Json): void {
    Object.assign(record.chat, patch, { "updated_at": this.now() });
    this.publish(record, { event: "chats", data: this.snapshot(record) });
  }

  /** Changes the running turn's run (`state`, …), mirrors it on the chat, publishes `agent_runs`. */
  updateRun(record: ChatRecord, run: Json, patch: Json): void {
    Object.assign(run, patch, { "updated_at": this.now() });
    if ((record.chat["active_run"] as Json | null)?.id === run.id) {
      record.chat["active_run"] = structuredClone(run);
    }
    this.publish(record, { event: "agent_runs", data: structuredClone(run) });
  }

  /** Publishes a delta of the turn's assistant message, with the next `seq`. */
  delta(record: ChatRecord, turn: Turn, delta: Json): void {
    turn.seq += 1;
    const data = { delta, seq: turn.seq, "resource_id": turn.assistantId };
    turn.deltas.push(data);
    this.publish(record, { event: "delta", data: structuredClone(data) });
  }

  /** Records a tool invocation and who waits for its result. */
  addInvocation(id: string, invocation: InvocationRecord): void {
    this.#invocations.set(id, invocation);
  }

  /** The invocation `id`, if any. */
  invocation(id: string): InvocationRecord | undefined {
    return this.#invocations.get(id);
  }

  /** Calls `listener` for every change of chat `id`; returns the unsubscribe function. */
  subscribe(id: string, listener: (change: ChatChange) => void): () => void {
    const record = this.#chats.get(id);
    if (!record) return () => {};
    record.subscribers.add(listener);
    return () => record.subscribers.delete(listener);
  }

  /** Sends a change to every subscriber of the chat. */
  publish(record: ChatRecord, change: ChatChange): void {
    for (const listener of [...record.subscribers]) listener(change);
  }

  /** Number of subscribers across all chats (for tests). */
  get subscriberCount(): number {
    let count = 0;
    for (const record of this.#chats.values()) count += record.subscribers.size;
    return count;
  }

  /** Stops every running turn and forgets every chat (reset and close). */
  clear(): void {
    for (const record of this.#chats.values()) {
      record.turn?.controller.abort(new DOMException("emulator reset", "AbortError"));
      this.publish(record, { event: "removed" });
      record.subscribers.clear();
    }
    this.#chats.clear();
    this.#invocations.clear();
  }
}
