/**
 * `GET /chats/{id}/messages?limit=&cursor=`: a chat's messages as a cursor list
 * (docs/protocol.md §9), newest page first, as the official React and Swift helpers
 * read it (the first page holds the latest messages; `has_next` says older ones
 * exist). Within a page, messages are in `order`, like `chat_messages`.
 *
 * @module
 */

import { invalidField } from "../http/body.ts";
import type { Json } from "./chat_store.ts";

/** Page size when `limit` is left out (the API's `items_per_page` default). */
export const DEFAULT_PAGE_LIMIT = 20;
/** The largest `limit` accepted. */
export const MAX_PAGE_LIMIT = 100;

// Every cursor starts with this byte, which standard base64 writes as "+": a
// client that puts a cursor into a query string unencoded ("+" reads as a
// space there) gets a 400 instead of a silently wrong page.
const MARK = "\xfb";

/** Where a cursor points: the page of messages before or after an `order`. */
interface Position {
  direction: "before" | "after";
  order: number;
}

function encodeCursor(position: Position): string {
  return btoa(`${MARK}${position.direction}:${position.order}`);
}

function decodeCursor(cursor: string): Position | undefined {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    return undefined;
  }
  const match = /^\xfb(before|after):(-?\d+)$/.exec(text);
  if (!match) return undefined;
  return { direction: match[1] as Position["direction"], order: Number(match[2]) };
}

/**
 * One page of `messages` (stored in `order`) for the query of `url`, or the 400
 * problem naming the bad parameter.
 */
export function messagePage(messages: readonly Json[], url: URL): Json | Response {
  const rawLimit = url.searchParams.get("limit");
  let limit = DEFAULT_PAGE_LIMIT;
  if (rawLimit !== null && rawLimit !== "") {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      return invalidField("limit", `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
    }
  }
  const rawCursor = url.searchParams.get("cursor") ?? "";
  const position = rawCursor === "" ? undefined : decodeCursor(rawCursor);
  if (rawCursor !== "" && position === undefined) {
    return invalidField("cursor", "cursor is not one this API issued (was it URL-encoded?)");
  }
  const orderOf = (message: Json): number => Number(message.order);
  let items: Json[];
  if (position?.direction === "after") {
    items = messages.filter((message) => orderOf(message) > position.order).slice(0, limit);
  } else {
    const older = position === undefined
      ? messages
      : messages.filter((message) => orderOf(message) < position.order);
    items = older.slice(Math.max(0, older.length - limit));
  }
  const first = items[0];
  const last = items.at(-1);
  const hasOlder = first !== undefined && orderOf(messages[0]!) < orderOf(first);
  const hasNewer = last !== undefined && orderOf(messages.at(-1)!) > orderOf(last);
  return {
    items: structuredClone(items),
    "next_cursor": hasOlder ? encodeCursor({ direction: "before", order: orderOf(first) }) : "",
    "prev_cursor": hasNewer ? encodeCursor({ direction: "after", order: orderOf(last) }) : "",
    "has_next": hasOlder,
    "has_previous": hasNewer,
    "items_per_page": limit,
    "total_items": messages.length,
  };
}
