/**
 * Reads a chat with its messages. `GET /chats/{id}` may come without
 * `chat_messages` (the official helpers say it "no longer preloads messages",
 * docs/protocol.md §7.7, §10 A9): the messages are then listed with
 * `GET /chats/{id}/messages?limit=&cursor=` (a cursor list, docs/protocol.md §9), newest page
 * first, only as far back as the reader needs, and always within a bound.
 *
 * @module
 */

import { type HttpClient, type RequestOptions, segment } from "../http/core.ts";
import type { Chat, ChatMessage } from "./types.ts";

/** Messages asked for per page. */
export const MESSAGE_PAGE_LIMIT = 50;
/** The most messages one read lists, however far back it was asked to go. */
export const MAX_LISTED_MESSAGES = 1_000;

/** One page of `GET /chats/{id}/messages` (docs/protocol.md §9). */
export interface MessagePage {
  items: ChatMessage[];
  "next_cursor"?: string | undefined;
  "has_next"?: boolean | undefined;
  [field: string]: unknown;
}

/** `GET /chats/{id}` as it comes: with or without `chat_messages`. */
export function fetchChat(
  http: HttpClient,
  chatId: string,
  options: RequestOptions,
): Promise<Chat> {
  return http.json<Chat>({
    method: "GET",
    path: `/chats/${segment(chatId, "chatId")}`,
    action: `get chat "${chatId}"`,
    retry: "idempotent",
    expect: "object-with-id",
    ...options,
  });
}

/** `GET /chats/{id}/messages?limit=&cursor=`: one page, newest first. */
export async function listMessages(
  http: HttpClient,
  chatId: string,
  page: { limit?: number | undefined; cursor?: string | undefined },
  options: RequestOptions,
): Promise<MessagePage> {
  const query = new URLSearchParams();
  if (page.limit !== undefined) query.set("limit", String(page.limit));
  // Cursors are opaque base64: URLSearchParams encodes "+", "/" and "=" so they survive.
  if (page.cursor !== undefined && page.cursor !== "") query.set("cursor", page.cursor);
  const search = query.toString();
  const listed = await http.json<MessagePage | null | undefined>({
    method: "GET",
    path: `/chats/${segment(chatId, "chatId")}/messages${search === "" ? "" : `?${search}`}`,
    action: `list the messages of chat "${chatId}"`,
    retry: "idempotent",
    ...options,
  });
  const items = Array.isArray(listed?.items) ? listed.items : [];
  return { ...listed, items };
}

/**
 * Reads the chat; when it comes without messages, lists them, newest first,
 * back to the message whose `order` is `fromOrder` (`-Infinity`: all of them;
 * `undefined`: the newest page only), and at most {@linkcode MAX_LISTED_MESSAGES}.
 * `chat_messages` is then sorted by `order`, each message once.
 */
export async function readChat(
  http: HttpClient,
  chatId: string,
  options: RequestOptions,
  fromOrder: number | undefined,
  { limit = MESSAGE_PAGE_LIMIT }: { limit?: number | undefined } = {},
): Promise<Chat> {
  const chat = await fetchChat(http, chatId, options);
  const included = chat["chat_messages"];
  // An empty list is read as "not preloaded" too, like the official helpers do.
  if (Array.isArray(included) && included.length > 0) return chat;
  const byId = new Map<string, ChatMessage>();
  const cursors = new Set<string>();
  let cursor: string | undefined;
  while (byId.size < MAX_LISTED_MESSAGES) {
    const page = await listMessages(http, chatId, { limit, cursor }, options);
    // Pages may overlap when messages arrive between them: the first copy read is kept.
    for (const message of page.items) {
      if (typeof message?.id === "string" && !byId.has(message.id)) byId.set(message.id, message);
    }
    const reached = fromOrder === undefined ||
      page.items.some((message) =>
        typeof message?.order === "number" && message.order <= fromOrder
      );
    const next = page["next_cursor"];
    if (reached || page["has_next"] === false || typeof next !== "string" || next === "") break;
    // A server that hands out the same cursor twice would keep this loop going.
    if (cursors.has(next)) break;
    cursors.add(next);
    cursor = next;
  }
  const messages = [...byId.values()].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  return { ...chat, "chat_messages": messages };
}
