/**
 * `GET /__files/{id}/{name}`: downloads of stored files, without auth (like a
 * CDN URL).
 *
 * @module
 */

import type { Route, RouteContext } from "../http/router.ts";
import { problem } from "../http/responses.ts";

function serve(context: RouteContext, head: boolean): Response {
  const id = context.params["id"] ?? "";
  const file = context.state.files.get(id);
  if (!file || file.name !== context.params["name"]) {
    return problem({ status: 404, detail: `file ${id} does not exist` });
  }
  return new Response(head ? null : file.bytes, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.bytes.length),
      "cache-control": "no-store",
    },
  });
}

/** Routes that serve stored files. */
export const fileRoutes: readonly Route[] = [
  { method: "GET", path: "/__files/:id/:name", auth: false, handle: (c) => serve(c, false) },
  { method: "HEAD", path: "/__files/:id/:name", auth: false, handle: (c) => serve(c, true) },
];
