/**
 * Subscriptions to a chat (`Agent.streamMessages`, `Agent.streamChat`): the
 * chat's events for as long as the caller reads, ended quietly when the agent
 * disconnects and with the caller's reason when the caller aborts.
 *
 * @module
 */

import { linkSignals } from "../http/signals.ts";
import type { ChatEvent } from "./chat_stream.ts";
import type { Chat, ChatMessage } from "./types.ts";

/** Opens a follower of the chat that stops when `signal` aborts. */
export type OpenFollower = (signal: AbortSignal) => AsyncGenerator<ChatEvent, void, undefined>;

/**
 * Yields the chat's events until the consumer stops (`break`, which closes the
 * follower), `signal` aborts (then throws its reason) or `lifetime` aborts (the
 * agent disconnected: then ends).
 */
export async function* subscribe(
  open: OpenFollower,
  signal: AbortSignal | undefined,
  lifetime: AbortSignal,
): AsyncGenerator<ChatEvent, void, undefined> {
  const link = linkSignals([signal, lifetime]);
  try {
    yield* open(link.signal);
  } catch (error) {
    // A disconnect ends the subscription quietly; the caller's own abort is thrown.
    if (lifetime.aborted && !signal?.aborted) return;
    throw error;
  } finally {
    link.dispose();
  }
}

/** The messages among a chat's events, each merged, as it changes. */
export async function* messagesOf(
  events: AsyncIterable<ChatEvent>,
): AsyncGenerator<ChatMessage, void, undefined> {
  for await (const event of events) {
    if (event.kind === "message") yield event.message;
  }
}

/** The chat, each time it changes (its own events and its runs'). */
export async function* chatsOf(
  events: AsyncIterable<ChatEvent>,
): AsyncGenerator<Chat, void, undefined> {
  for await (const event of events) {
    if (event.kind === "chat" || event.kind === "run") yield event.chat;
  }
}
