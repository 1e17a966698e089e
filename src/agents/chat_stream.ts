/**
 * Following a chat: the chat's adapter for the follow engine
 * (`src/streaming/engine.ts`), which owns reconnects, re-reads, the polling
 * fallback and aborts, exactly as for tasks.
 *
 * Over the stream (`GET /chats/{id}/stream`, docs/protocol.md §7.4), after a failure the
 * stream is reopened and, once it is up, the chat is re-read (`GET /chats/{id}`,
 * listing its recent messages when the API leaves them out): opening first and
 * reading second means every later event is on the new stream. A stream that
 * only sends heartbeats for `reconcileAfterMs` is re-read too, so a turn whose
 * end the stream never told still ends. By polling (docs/protocol.md §7.6, `stream:
 * false` or after `maxReconnects` failed streams), `GET /chats/{id}/status`,
 * then the chat when the status changed, while the agent works, or while the
 * turn needs it; only what changed is reported. Messages are merged by id
 * (partial updates included), deltas de-duplicated by `seq` per message.
 *
 * @module
 */

import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import { linkSignals } from "../http/signals.ts";
import {
  abortable,
  follow,
  type FollowAdapter,
  followPolling,
  NOTHING,
  type Outcome,
  PROGRESS,
} from "../streaming/engine.ts";
import type { FollowSettings } from "../streaming/options.ts";
import { pull } from "../streaming/pull.ts";
import { readChat } from "./chat_read.ts";
import { isChatBusy } from "./turn_gate.ts";
import type { AgentRun, Chat, ChatDelta, ChatMessage } from "./types.ts";

/** What a chat follower reports. */
export type ChatEvent =
  /** A connection is up (the first one, or a reconnect), before anything read on it. */
  | { kind: "connected"; reconnect: boolean }
  /** A `chats` event or a re-read chat: `data` as received, `chat` merged into what was known. */
  | { kind: "chat"; chat: Chat; data: Partial<Chat>; reconciled: boolean }
  /** An `agent_runs` event; `chat` is the known chat with this run as `active_run`. */
  | { kind: "run"; run: AgentRun; chat: Chat }
  /** A `chat_messages` event or a message of a re-read chat, merged into what was known. */
  | { kind: "message"; message: ChatMessage; reconciled: boolean }
  /** A token delta not seen before. */
  | { kind: "delta"; delta: ChatDelta };

/** How to follow a chat: the engine's settings plus what the turn tells the follower. */
export interface ChatFollowSettings extends Omit<FollowSettings, "signal"> {
  /** Stops following; the follower then throws its reason. */
  signal: AbortSignal;
  /** Re-read the chat once the first connection is up (a chat created just before). */
  reconcileFirst: boolean;
  /**
   * Polling from the start: whether the messages found by the first read are
   * reported (a turn's are its own); when not, only later changes are, as a
   * stream would send them.
   * @default {true}
   */
  reportFirst?: boolean | undefined;
  /**
   * Polling: whether to read the chat even though its status says nothing new
   * (the turn gate is not settled yet: this turn may not have shown itself).
   */
  mustRead?: (() => boolean) | undefined;
  /**
   * The `order` from which messages matter (the turn's user message), for a
   * read that has to list them; the newest page only when it is unknown.
   */
  messagesFrom?: (() => number | undefined) | undefined;
}

/**
 * Yields the chat's events until the consumer stops (`break`/`return`, which
 * closes the connection) or the signal aborts (then throws its reason at once).
 * Over a stream (`settings.stream`) or by polling; the first event is always
 * `connected` (polling: without a request). Throws when the API refuses (401,
 * 404, …), or `maxReconnects` failures in a row were spent (and, for a stream,
 * `fallbackToPolling` is off).
 */
export function followChat(
  http: HttpClient,
  chatId: string,
  settings: ChatFollowSettings,
): AsyncGenerator<ChatEvent, void, undefined> {
  segment(chatId, "chatId");
  return pull<ChatEvent>(async (emit, stop) => {
    const link = linkSignals([settings.signal, stop]);
    const engine: FollowSettings = { ...settings, signal: link.signal };
    const adapter = new ChatAdapter(http, chatId, settings, emit);
    try {
      if (settings.stream) {
        await follow(adapter, engine);
      } else {
        await emit({ kind: "connected", reconnect: false });
        await abortable(followPolling(adapter, engine, "now"), link.signal);
      }
    } catch (error) {
      // What the stream's body caused passes the client's redaction too.
      throw http.redact(error);
    } finally {
      link.dispose();
    }
  });
}

/** `ResourceStatusDTO` of `GET /chats/{id}/status`. */
interface ChatStatus {
  status?: unknown;
  "updated_at"?: unknown;
}

/**
 * One poll of the chat's status (`GET /chats/{id}/status`, docs/protocol.md
 * §7.6): cheap, it says only busy or idle and when that last changed. Used by
 * the chat follower's polling and by `agents.wait`.
 */
export async function pollChatStatus(
  http: HttpClient,
  chatId: string,
  request: RequestOptions,
): Promise<{ status: string; updatedAt: string }> {
  const polled = await http.json<ChatStatus | null | undefined>({
    method: "GET",
    path: `/chats/${segment(chatId, "chatId")}/status`,
    action: `poll chat "${chatId}"`,
    retry: "idempotent",
    ...request,
  });
  return { status: String(polled?.status ?? ""), updatedAt: String(polled?.["updated_at"] ?? "") };
}

class ChatAdapter implements FollowAdapter {
  readonly action: string;
  readonly #http: HttpClient;
  readonly #chatId: string;
  readonly #settings: ChatFollowSettings;
  readonly #emit: (event: ChatEvent) => Promise<void>;
  readonly #messages = new Map<string, ChatMessage>();
  readonly #lastSeq = new Map<string, number>();
  #chat: Chat;
  /** Re-read once the next stream is up. */
  #reconcile: boolean;
  /** Polling: the status and time last polled, so an unchanged chat is not read. */
  #lastStatus: string | undefined;
  /** Polling: the chat's fields last reported, as JSON. */
  #reportedChat: string | undefined;
  /** Polling from the start, before the first read. */
  #silentFirstRead: boolean;

  constructor(
    http: HttpClient,
    chatId: string,
    settings: ChatFollowSettings,
    emit: (event: ChatEvent) => Promise<void>,
  ) {
    this.#http = http;
    this.#chatId = chatId;
    this.action = `follow chat "${chatId}"`;
    this.#settings = settings;
    this.#emit = emit;
    this.#chat = { id: chatId, status: "" };
    this.#reconcile = settings.reconcileFirst;
    this.#silentFirstRead = !settings.stream && settings.reportFirst === false;
  }

  /** A chat is followed until the consumer stops. */
  isFinal(): boolean {
    return false;
  }

  connect(signal: AbortSignal): Promise<Response> {
    return this.#http.stream({
      path: `/chats/${segment(this.#chatId, "chatId")}/stream`,
      action: this.action,
      accept: "application/x-ndjson",
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
    });
  }

  async opened(reconnect: boolean, signal: AbortSignal): Promise<Outcome> {
    await this.#emit({ kind: "connected", reconnect });
    if (this.#reconcile) {
      await this.#read(signal);
      this.#reconcile = false;
    }
    return NOTHING;
  }

  handle(value: unknown): Outcome | Promise<Outcome> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return NOTHING;
    const record = value as Record<string, unknown>;
    const name = record.event;
    const data = record.data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) return NOTHING;
    switch (name) {
      case "chats": {
        const before = this.#chat;
        this.#chat = { ...before, ...data } as Chat;
        const outcome = changed(before, this.#chat) ? PROGRESS : NOTHING;
        return this.#send(
          { kind: "chat", chat: this.#chat, data: data as Partial<Chat>, reconciled: false },
          outcome,
        );
      }
      case "agent_runs": {
        const run = data as unknown as AgentRun;
        const previous = this.#chat["active_run"];
        const merged = previous && previous.id === run.id ? { ...previous, ...run } : run;
        const outcome = changed(previous, merged) ? PROGRESS : NOTHING;
        this.#chat = { ...this.#chat, "active_run": merged };
        return this.#send({ kind: "run", run: merged, chat: this.#chat }, outcome);
      }
      case "chat_messages": {
        const message = data as Partial<ChatMessage>;
        if (typeof message.id !== "string") return NOTHING;
        const known = this.#messages.get(message.id);
        const merged = { ...known, ...message } as ChatMessage;
        this.#messages.set(message.id, merged);
        const outcome = changed(known, merged) ? PROGRESS : NOTHING;
        return this.#send({ kind: "message", message: merged, reconciled: false }, outcome);
      }
      case "delta": {
        const delta = data as unknown as ChatDelta;
        const resource = delta["resource_id"];
        // A delta that names no message cannot be placed (docs/protocol.md §7.4).
        if (typeof resource !== "string" || resource === "") return NOTHING;
        if (typeof delta.delta !== "object" || delta.delta === null) return NOTHING;
        if (typeof delta.seq === "number") {
          const last = this.#lastSeq.get(resource);
          if (last !== undefined && delta.seq <= last) return NOTHING;
          this.#lastSeq.set(resource, delta.seq);
        }
        return this.#send({ kind: "delta", delta }, PROGRESS);
      }
    }
    return NOTHING;
  }

  async reconcile(why: "failure" | "stale", signal: AbortSignal): Promise<Outcome> {
    // After a failure the chat is read once the next stream is up (or by the
    // first poll); a stale stream is read now.
    this.#reconcile = true;
    this.#lastStatus = undefined;
    if (why === "stale") {
      await this.#read(signal);
      this.#reconcile = false;
    }
    return NOTHING;
  }

  async poll(signal: AbortSignal): Promise<Outcome> {
    const request = {
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
    };
    let current: Chat | undefined;
    try {
      const { status, updatedAt } = await pollChatStatus(this.#http, this.#chatId, request);
      const key = `${status} ${updatedAt}`;
      // The status only says busy or idle: while the agent works its messages
      // change (text, tool calls) under an unchanged status, so read on.
      if (
        key !== this.#lastStatus || this.#reconcile || isChatBusy({ status }) ||
        this.#settings.mustRead?.() === true
      ) {
        current = await readChat(this.#http, this.#chatId, request, this.#messagesFrom());
        this.#reconcile = false;
      }
      this.#lastStatus = key;
    } catch (error) {
      // Whatever the next status says, read the chat: this poll may have missed a change.
      this.#lastStatus = undefined;
      throw error;
    }
    if (current === undefined) return NOTHING;
    const silent = this.#silentFirstRead;
    this.#silentFirstRead = false;
    let outcome: Outcome = await this.#absorbMessages(current, silent) ? PROGRESS : NOTHING;
    const { "chat_messages": _messages, ...fields } = current;
    const json = JSON.stringify(fields);
    if (json !== this.#reportedChat) {
      this.#reportedChat = json;
      this.#chat = { ...this.#chat, ...current };
      await this.#emit({ kind: "chat", chat: current, data: current, reconciled: true });
      outcome = PROGRESS;
    }
    return outcome;
  }

  /** Re-reads the chat, reports the messages that changed, then the chat. */
  async #read(signal: AbortSignal): Promise<void> {
    const current = await readChat(this.#http, this.#chatId, {
      signal,
      timeoutMs: this.#settings.timeoutMs,
      maxRetries: this.#settings.maxRetries,
    }, this.#messagesFrom());
    await this.#absorbMessages(current, false);
    this.#chat = { ...this.#chat, ...current };
    await this.#emit({ kind: "chat", chat: this.#chat, data: current, reconciled: true });
  }

  /** Merges the listed messages, in order, reporting those that changed; says whether any did. */
  async #absorbMessages(current: Chat, silent: boolean): Promise<boolean> {
    const listed = Array.isArray(current["chat_messages"]) ? current["chat_messages"] : [];
    let any = false;
    for (const message of [...listed].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) {
      if (typeof message?.id !== "string") continue;
      const known = this.#messages.get(message.id);
      const merged = { ...known, ...message } as ChatMessage;
      if (known && !changed(known, merged)) continue;
      this.#messages.set(message.id, merged);
      any = true;
      if (!silent) await this.#emit({ kind: "message", message: merged, reconciled: true });
    }
    return any;
  }

  #messagesFrom(): number | undefined {
    return this.#settings.messagesFrom?.();
  }

  #send(event: ChatEvent, outcome: Outcome): Promise<Outcome> {
    return this.#emit(event).then(() => outcome);
  }
}

/** Whether two JSON-like values differ. */
function changed(before: unknown, after: unknown): boolean {
  return before !== after && JSON.stringify(before) !== JSON.stringify(after);
}
