/**
 * Follows a chat over `GET /chats/{id}/stream` (docs/protocol.md §7.4) and survives the
 * ways a stream fails: it ends, breaks, sends a malformed line or goes silent.
 * After each failure the stream is reopened with backoff and, once it is up,
 * the chat is re-read (`GET /chats/{id}`, listing its recent messages when the
 * API leaves them out) so nothing that happened while away is missed: opening
 * first and reading second means every later event is on the new stream.
 * Messages are merged by id (partial updates included), and deltas are
 * deduplicated by `seq` per message.
 *
 * @module
 */

import { StreamError } from "../errors.ts";
import { type HttpClient, segment } from "../http/core.ts";
import { backoffDelay } from "../http/retry.ts";
import { sleep } from "../http/signals.ts";
import { decodeNdjson } from "../streaming/ndjson_stream.ts";
import { isRecoverable, readWithin, type ReconnectSettings } from "../streaming/reconnect.ts";
import { readChat } from "./chat_read.ts";
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

/** How to follow; every field already defaulted and checked. */
export interface ChatFollowSettings extends ReconnectSettings {
  /** Stops following; the follower then throws its reason. */
  signal: AbortSignal;
  /** Re-read the chat once the first connection is up (a chat created just before). */
  reconcileFirst: boolean;
  /**
   * The `order` from which messages matter (the turn's user message), for a
   * re-read that has to list them; the newest page only when it is unknown.
   */
  messagesFrom?: (() => number | undefined) | undefined;
}

/**
 * Yields the chat's events until the consumer stops (`break`/`return`, which
 * closes the connection) or the signal aborts. Throws when the API refuses the
 * stream (401, 404, …) or `maxReconnects` failures in a row were spent.
 */
export async function* followChat(
  http: HttpClient,
  chatId: string,
  settings: ChatFollowSettings,
): AsyncGenerator<ChatEvent, void, undefined> {
  const { signal } = settings;
  const path = `/chats/${segment(chatId, "chatId")}/stream`;
  const messages = new Map<string, ChatMessage>();
  const lastSeq = new Map<string, number>();
  let chat: Chat = { id: chatId, status: "" };
  let failures = 0;
  let reconcile = settings.reconcileFirst;
  let reconnect = false;

  const mergeMessage = (data: Partial<ChatMessage>): ChatMessage | undefined => {
    if (typeof data.id !== "string") return undefined;
    const merged = { ...messages.get(data.id), ...data } as ChatMessage;
    messages.set(data.id, merged);
    return merged;
  };

  while (true) {
    const connection = new AbortController();
    const onAbort = (): void => connection.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let reader: ReadableStreamDefaultReader<unknown> | undefined;
    try {
      signal.throwIfAborted();
      const response = await http.stream({
        path,
        action: `follow chat "${chatId}"`,
        accept: "application/x-ndjson",
        signal: connection.signal,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
      });
      reader = decodeNdjson(response.body as ReadableStream<Uint8Array>).getReader();
      yield { kind: "connected", reconnect };
      if (reconcile) {
        const current = await readChat(http, chatId, {
          signal: connection.signal,
          timeoutMs: settings.timeoutMs,
          maxRetries: settings.maxRetries,
        }, settings.messagesFrom?.());
        reconcile = false;
        const listed = Array.isArray(current["chat_messages"]) ? current["chat_messages"] : [];
        for (const message of [...listed].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))) {
          const known = messages.get(message.id);
          if (known && JSON.stringify(known) === JSON.stringify({ ...known, ...message })) continue;
          const merged = mergeMessage(message);
          if (merged) yield { kind: "message", message: merged, reconciled: true };
        }
        chat = { ...chat, ...current };
        yield { kind: "chat", chat, data: current, reconciled: true };
      }
      while (true) {
        const line = await readWithin(reader, settings.idleTimeoutMs, `follow chat "${chatId}"`);
        if (line.done) {
          throw new StreamError(`Cannot follow chat "${chatId}": the stream ended`);
        }
        const event = classify(line.value);
        if (event === undefined) continue;
        failures = 0;
        switch (event.name) {
          case "chats": {
            chat = { ...chat, ...event.data } as Chat;
            yield { kind: "chat", chat, data: event.data as Partial<Chat>, reconciled: false };
            break;
          }
          case "agent_runs": {
            const run = event.data as unknown as AgentRun;
            const previous = chat["active_run"];
            const merged = previous && previous.id === run.id ? { ...previous, ...run } : run;
            chat = { ...chat, "active_run": merged };
            yield { kind: "run", run: merged, chat };
            break;
          }
          case "chat_messages": {
            const merged = mergeMessage(event.data as Partial<ChatMessage>);
            if (merged) yield { kind: "message", message: merged, reconciled: false };
            break;
          }
          case "delta": {
            const delta = event.data as unknown as ChatDelta;
            const resource = delta["resource_id"];
            // A delta that names no message cannot be placed (docs/protocol.md §7.4).
            if (typeof resource !== "string" || resource === "") break;
            if (typeof delta.delta !== "object" || delta.delta === null) break;
            if (typeof delta.seq === "number") {
              if (delta.seq <= (lastSeq.get(resource) ?? -Infinity)) break;
              lastSeq.set(resource, delta.seq);
            }
            yield { kind: "delta", delta };
            break;
          }
        }
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (failures >= settings.maxReconnects || !isRecoverable(error)) throw error;
      failures++;
      reconcile = true;
      reconnect = true;
      await sleep(backoffDelay(failures - 1, settings.random, settings.reconnectDelayMs), signal);
    } finally {
      signal.removeEventListener("abort", onAbort);
      connection.abort();
      reader?.cancel().catch(() => {});
    }
  }
}

/** A typed event of a chat stream, or `undefined` for heartbeats and anything unknown. */
function classify(
  line: unknown,
):
  | { name: "chats" | "agent_runs" | "chat_messages" | "delta"; data: Record<string, unknown> }
  | undefined {
  if (typeof line !== "object" || line === null || Array.isArray(line)) return undefined;
  const record = line as Record<string, unknown>;
  const name = record.event;
  const data = record.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  if (name === "chats" || name === "agent_runs" || name === "chat_messages" || name === "delta") {
    return { name, data: data as Record<string, unknown> };
  }
  return undefined;
}
