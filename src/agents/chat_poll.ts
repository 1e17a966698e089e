/**
 * Follows a chat by polling (docs/protocol.md §7.6), for places where long streams are
 * cut (Workers, some proxies): every interval `GET /chats/{id}/status`, then
 * `GET /chats/{id}` (listing its recent messages when the API leaves them out)
 * when that status changed, while the agent works, or while the reader still
 * needs the chat. Reports the same events as the stream follower, but only what
 * changed since the last read (the official SDK re-reports every message on
 * every poll, docs/protocol.md §10 A5), and no token deltas: polling cannot see them. Failed polls
 * are retried with backoff, and after `maxReconnects` failures in a row the
 * last error is thrown (the official SDK stops silently, docs/protocol.md §10 A3).
 *
 * @module
 */

import { type HttpClient, segment } from "../http/core.ts";
import { backoffDelay } from "../http/retry.ts";
import { sleep } from "../http/signals.ts";
import { isRecoverable, type ReconnectSettings } from "../streaming/reconnect.ts";
import { readChat } from "./chat_read.ts";
import type { ChatEvent } from "./chat_stream.ts";
import { isChatBusy } from "./turn_gate.ts";
import type { Chat } from "./types.ts";

/** How to poll; every field already defaulted and checked. */
export interface ChatPollSettings extends ReconnectSettings {
  /** Stops polling; the poller then throws its reason. */
  signal: AbortSignal;
  /** Pause between polls, in ms. */
  pollIntervalMs: number;
  /**
   * Whether the messages found by the first read are reported (a turn's are its
   * own); when not, only later changes are, as a stream would send them.
   */
  reportFirst: boolean;
  /**
   * Whether to read the chat even though its status says nothing new (the turn
   * gate is not settled yet: this turn may not have shown itself).
   */
  mustRead?: (() => boolean) | undefined;
  /**
   * The `order` from which messages matter (the turn's user message), when they
   * have to be listed; the newest page only when it is unknown.
   */
  messagesFrom?: (() => number | undefined) | undefined;
}

/** `ResourceStatusDTO` of `GET /chats/{id}/status`. */
interface ChatStatus {
  status?: unknown;
  "updated_at"?: unknown;
}

/**
 * Yields the chat's changes, poll after poll, until the consumer stops
 * (`break`/`return`) or the signal aborts. First yields `connected` without a
 * request: a poller has nothing to open, and the first poll then comes at once.
 * Throws when the API refuses a poll (401, 404, …) or `maxReconnects` polls
 * failed in a row.
 */
export async function* pollChat(
  http: HttpClient,
  chatId: string,
  settings: ChatPollSettings,
): AsyncGenerator<ChatEvent, void, undefined> {
  const { signal } = settings;
  const request = {
    signal,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  };
  // What was last reported, as JSON, so that only changes are reported again.
  const reported = new Map<string, string>();
  let reportedChat: string | undefined;
  let firstRead = true;
  let lastStatus: string | undefined;
  let failures = 0;
  let wait = 0;
  yield { kind: "connected", reconnect: false };
  while (true) {
    if (wait > 0) await sleep(wait, signal);
    let current: Chat | undefined;
    try {
      signal.throwIfAborted();
      const polled = await http.json<ChatStatus | null | undefined>({
        method: "GET",
        path: `/chats/${segment(chatId, "chatId")}/status`,
        action: `poll chat "${chatId}"`,
        retry: "idempotent",
        ...request,
      });
      const status = String(polled?.status ?? "");
      const key = `${status} ${String(polled?.["updated_at"] ?? "")}`;
      // The status only says busy or idle: while the agent works its messages
      // change (text, tool calls) under an unchanged status, so read on.
      if (key !== lastStatus || isChatBusy({ status }) || settings.mustRead?.() === true) {
        current = await readChat(http, chatId, request, settings.messagesFrom?.());
      }
      lastStatus = key;
      failures = 0;
      wait = settings.pollIntervalMs;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (failures >= settings.maxReconnects || !isRecoverable(error)) throw error;
      failures++;
      // Whatever the next status says, read the chat: this poll may have missed a change.
      lastStatus = undefined;
      wait = backoffDelay(failures - 1, settings.random, settings.reconnectDelayMs);
      continue;
    }
    if (current === undefined) continue;
    const listed = Array.isArray(current["chat_messages"]) ? current["chat_messages"] : [];
    const silent = firstRead && !settings.reportFirst;
    firstRead = false;
    for (const message of listed) {
      if (typeof message?.id !== "string") continue;
      const json = JSON.stringify(message);
      if (reported.get(message.id) === json) continue;
      reported.set(message.id, json);
      if (!silent) yield { kind: "message", message, reconciled: true };
    }
    const { "chat_messages": _messages, ...fields } = current;
    const json = JSON.stringify(fields);
    if (json === reportedChat) continue;
    reportedChat = json;
    yield { kind: "chat", chat: current, data: current, reconciled: true };
  }
}
