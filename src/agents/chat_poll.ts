/**
 * Following a chat by polling (docs/protocol.md §7.6), for places where long streams
 * are cut (Workers, some proxies). The polling itself is the follow engine's
 * and the chat's adapter lives with the stream follower in `chat_stream.ts`:
 * this module only names the polling entry point. Every interval (jittered,
 * from the start of the previous poll) `GET /chats/{id}/status`, then the chat
 * when that status changed, while the agent works, or while the turn needs it.
 * Only what changed since the last read is reported (the official SDK
 * re-reports every message on every poll, docs/protocol.md §10 A5), and no token deltas: polling
 * cannot see them. Failed polls are retried with backoff, and after
 * `maxReconnects` failures in a row the last error is thrown (the official SDK
 * stops silently, docs/protocol.md §10 A3).
 *
 * @module
 */

import type { HttpClient } from "../http/core.ts";
import { type ChatEvent, type ChatFollowSettings, followChat } from "./chat_stream.ts";

/** How to poll: the chat follower's settings (`stream` is ignored: this polls). */
export type ChatPollSettings = Omit<ChatFollowSettings, "stream" | "reconcileFirst"> & {
  reconcileFirst?: boolean | undefined;
};

/**
 * Yields the chat's changes, poll after poll, until the consumer stops
 * (`break`/`return`) or the signal aborts. First yields `connected` without a
 * request: a poller has nothing to open, and the first poll then comes at once.
 */
export function pollChat(
  http: HttpClient,
  chatId: string,
  settings: ChatPollSettings,
): AsyncGenerator<ChatEvent, void, undefined> {
  return followChat(http, chatId, {
    ...settings,
    reconcileFirst: settings.reconcileFirst ?? false,
    stream: false,
  });
}
