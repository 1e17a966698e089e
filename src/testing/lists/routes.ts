/**
 * Cursor lists (docs/protocol.md §9): `POST /tasks/list`, `POST /files/list`,
 * `POST /chats/list` and `POST /apps/list` take a `CursorListRequest` body and answer a
 * `CursorListResponse` (`{items, next_cursor, prev_cursor, has_next,
 * has_previous, items_per_page, total_items}`), newest first. Also
 * `DELETE /files/{id}`.
 *
 * @module
 */

import { parseJsonObject } from "../http/body.ts";
import { noContent, ok, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import { appDto } from "../apps/routes.ts";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

/** The cursor of position `offset`: opaque base64, like the API's. */
function encodeCursor(offset: number): string {
  return btoa(`offset:${offset}`);
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const match = /^offset:(\d+)$/.exec(atob(cursor));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

type Item = Record<string, unknown>;

/** Whether `item` passes the request's `filters` (`eq`, `neq`, `in`, `not_in`). */
function passes(item: Item, filters: unknown): boolean {
  if (!Array.isArray(filters)) return true;
  return filters.every((filter: { field?: unknown; operator?: unknown; value?: unknown }) => {
    if (typeof filter !== "object" || filter === null || typeof filter.field !== "string") {
      return true;
    }
    const actual = item[filter.field];
    switch (filter.operator) {
      case "eq":
        return actual === filter.value;
      case "neq":
        return actual !== filter.value;
      case "in":
        return Array.isArray(filter.value) && filter.value.includes(actual);
      case "not_in":
        return Array.isArray(filter.value) && !filter.value.includes(actual);
      default:
        return true;
    }
  });
}

/** Answers one page of `all` (oldest first) for the request in `context`. */
function page(context: RouteContext, all: Item[]): Response {
  const body = parseJsonObject(context.text);
  if (!body.ok) return body.response;
  const { cursor, limit, filters } = body.value;
  if (limit !== undefined && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0)) {
    return problem({ status: 400, detail: "'limit' must be a whole number >= 0" });
  }
  const size = Math.min(MAX_LIMIT, limit === undefined || limit === 0 ? DEFAULT_LIMIT : limit);
  let offset = 0;
  if (cursor !== undefined && cursor !== "") {
    const decoded = typeof cursor === "string" ? decodeCursor(cursor) : undefined;
    if (decoded === undefined) {
      return problem({ status: 400, detail: `'cursor' is not a cursor this API gave: ${cursor}` });
    }
    offset = decoded;
  }
  const items = all.reverse().filter((item) => passes(item, filters));
  const slice = items.slice(offset, offset + size);
  const hasNext = offset + size < items.length;
  return ok({
    items: slice,
    "next_cursor": hasNext ? encodeCursor(offset + size) : "",
    "prev_cursor": offset > 0 ? encodeCursor(Math.max(0, offset - size)) : "",
    "has_next": hasNext,
    "has_previous": offset > 0,
    "items_per_page": size,
    "total_items": items.length,
  });
}

/** List routes and `DELETE /files/{id}`. */
export const listRoutes: readonly Route[] = [
  {
    method: "POST",
    path: "/tasks/list",
    handle: (context) =>
      page(context, context.state.tasks.all().map((record) => structuredClone(record.task))),
  },
  {
    method: "POST",
    path: "/files/list",
    handle: (context) =>
      page(
        context,
        context.state.files.all().map((file) => context.state.files.dto(context.url.origin, file)),
      ),
  },
  {
    method: "POST",
    path: "/chats/list",
    handle: (context) =>
      page(context, context.state.chats.all().map((record) => structuredClone(record.chat))),
  },
  {
    method: "POST",
    path: "/apps/list",
    // Apps list as registered (built-in ones first), not newest first: reversed here.
    handle: (context) =>
      page(context, context.state.apps.all().map((app) => appDto(app)).reverse()),
  },
  {
    method: "DELETE",
    path: "/files/:id",
    handle: (context) => {
      const id = context.params["id"] ?? "";
      if (!context.state.files.remove(id)) {
        return problem({
          status: 404,
          code: "FILE_NOT_FOUND",
          detail: `file ${id} does not exist`,
        });
      }
      return noContent();
    },
  },
];
