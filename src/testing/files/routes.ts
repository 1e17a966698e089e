/**
 * Files (docs/protocol.md §6, §11.3): `POST /files` creates records with an upload URL
 * on the emulator itself, `PUT /__storage/{id}?sig=…` receives the bytes (no
 * key, like a presigned URL), `GET /files/{id}` reads a record, and
 * `GET /__files/{id}/{name}` downloads the bytes, without auth (like a CDN URL).
 *
 * @module
 */

import { invalidField, parseJsonObject } from "../http/body.ts";
import { ok, problem } from "../http/responses.ts";
import type { Route, RouteContext } from "../http/router.ts";
import { timestamp } from "../state.ts";
import type { FileRequest } from "./file_store.ts";

function serve(context: RouteContext, head: boolean): Response {
  const id = context.params["id"] ?? "";
  const file = context.state.files.get(id);
  if (!file || !file.uploaded || file.name !== context.params["name"]) {
    return problem({ status: 404, detail: `file ${id} does not exist` });
  }
  return new Response(head ? null : file.bytes, {
    headers: {
      "content-type": file.uploadedType ?? file.contentType,
      "content-length": String(file.bytes.length),
      "cache-control": "no-store",
    },
  });
}

/** Checks one `PartialFile` of a `POST /files` body; returns it, or the 400 problem. */
function readPartial(value: unknown, index: number): FileRequest | Response {
  const at = `files[${index}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalidField(at, `field "${at}" must be an object like {"uri": "", "content_type": …}`);
  }
  const partial = value as Record<string, unknown>;
  const text = (field: string): string | undefined | Response => {
    const v = partial[field];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "string") return v;
    return invalidField(`${at}.${field}`, `field "${at}.${field}" must be a string`);
  };
  const filename = text("filename");
  if (filename instanceof Response) return filename;
  const contentType = text("content_type");
  if (contentType instanceof Response) return contentType;
  const path = text("path");
  if (path instanceof Response) return path;
  const size = partial["size"];
  if (
    size !== undefined && size !== null &&
    (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
  ) {
    return invalidField(`${at}.size`, `field "${at}.size" must be a whole number of bytes >= 0`);
  }
  const isPublic = partial["public"];
  if (isPublic !== undefined && isPublic !== null && typeof isPublic !== "boolean") {
    return invalidField(`${at}.public`, `field "${at}.public" must be a boolean`);
  }
  return {
    filename,
    contentType,
    size: typeof size === "number" ? size : undefined,
    path,
    public: typeof isPublic === "boolean" ? isPublic : undefined,
  };
}

function create(context: RouteContext): Response {
  const parsed = parseJsonObject(context.text);
  if (!parsed.ok) return parsed.response;
  const list = parsed.value["files"];
  if (!Array.isArray(list) || list.length === 0) {
    return invalidField("files", `field "files" must be a non-empty array of files to create`);
  }
  const requests: FileRequest[] = [];
  for (const [index, value] of list.entries()) {
    const request = readPartial(value, index);
    if (request instanceof Response) return request;
    requests.push(request);
  }
  const { state, url } = context;
  const now = timestamp(state.clock);
  return ok(
    requests.map((request) => state.files.dto(url.origin, state.files.create(request, now))),
  );
}

function storageProblem(status: number, code: string, detail: string): Response {
  return problem({ status, code, detail });
}

/** The presigned-URL target: checks the signature like storage would, then keeps the bytes. */
function receive(context: RouteContext): Response {
  const { state, request, url } = context;
  const id = context.params["id"] ?? "";
  const file = state.files.get(id);
  if (!file || file.signature === undefined) {
    return storageProblem(404, "NO_SUCH_UPLOAD", `no upload ${id} was created by POST /files`);
  }
  if (url.searchParams.get("sig") !== file.signature) {
    return storageProblem(
      403,
      "SIGNATURE_DOES_NOT_MATCH",
      "the upload URL's signature is not valid",
    );
  }
  if (request.headers.has("authorization")) {
    return storageProblem(
      400,
      "AUTHORIZATION_NOT_ALLOWED",
      "a presigned upload takes no Authorization header (it would hand the API key to storage)",
    );
  }
  const type = request.headers.get("content-type") ?? "";
  if (state.files.strictContentType && type !== file.contentType) {
    return storageProblem(
      403,
      "SIGNATURE_DOES_NOT_MATCH",
      `the PUT's Content-Type "${type}" is not the signed "${file.contentType}"`,
    );
  }
  const bytes = context.bytes as Uint8Array<ArrayBuffer>;
  if (file.declaredSize !== undefined && bytes.length !== file.declaredSize) {
    return storageProblem(
      400,
      "SIZE_MISMATCH",
      `the PUT carried ${bytes.length} bytes but POST /files declared ${file.declaredSize}`,
    );
  }
  state.files.receive(file, bytes, type || "application/octet-stream", timestamp(state.clock));
  return new Response(null, { status: 200 });
}

function read(context: RouteContext): Response {
  const id = context.params["id"] ?? "";
  const file = context.state.files.get(id);
  if (!file) {
    return problem({ status: 404, code: "FILE_NOT_FOUND", detail: `file ${id} does not exist` });
  }
  return ok(context.state.files.dto(context.url.origin, file));
}

/** Routes of files and their bytes. */
export const fileRoutes: readonly Route[] = [
  { method: "POST", path: "/files", handle: create },
  { method: "GET", path: "/files/:id", handle: read },
  { method: "PUT", path: "/__storage/:id", auth: false, handle: receive },
  { method: "GET", path: "/__files/:id/:name", auth: false, handle: (c) => serve(c, false) },
  { method: "HEAD", path: "/__files/:id/:name", auth: false, handle: (c) => serve(c, true) },
];
