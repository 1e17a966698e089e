/// <reference lib="deno.ns" />
/**
 * Hostile servers for the follow engine's tests: a real loopback socket (Deno
 * only) whose routes the test writes, and bodies that never end until the test
 * is over.
 *
 * @module
 */

export { hasDeno } from "../_loopback.ts";

/** What a hostile server saw and can do. */
export interface Hostile {
  /** The server's base URL. */
  base: string;
  /** `METHOD /path` of every request, in order. */
  log: string[];
  /** How many requests matched `METHOD /path` exactly. */
  count(call: string): number;
  /** Whether the test is over (endless bodies end then). */
  readonly closed: boolean;
}

/** A route handler; `hostile.closed` tells endless bodies to stop. */
export type HostileHandler = (
  request: Request,
  path: string,
  hostile: Hostile,
) => Response | Promise<Response>;

/** Serves `handler` on 127.0.0.1 for the length of `run`. */
export async function withHostile(
  handler: HostileHandler,
  run: (hostile: Hostile) => Promise<void>,
): Promise<void> {
  const log: string[] = [];
  let closed = false;
  const hostile: Hostile = {
    base: "",
    log,
    count: (call) => log.filter((entry) => entry === call).length,
    get closed() {
      return closed;
    },
  };
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const path = url.pathname + url.search;
      log.push(`${request.method} ${path}`);
      return await handler(request, path, hostile);
    },
  );
  hostile.base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await run(hostile);
  } finally {
    closed = true;
    await server.shutdown();
  }
}

const encoder = new TextEncoder();

/** A JSON answer wrapped in the API's `{success, data}` envelope. */
export function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify({ success: true, data }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * A streamed body: `first` at once, then `next()` every `everyMs` until it
 * returns `undefined` or the test is over.
 */
export function body(
  hostile: Hostile,
  first: string,
  next: () => string | Uint8Array | undefined,
  everyMs = 5,
  contentType = "application/x-ndjson",
): Response {
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (first !== "") return controller.enqueue(encoder.encode(first));
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      const chunk = hostile.closed ? undefined : next();
      if (chunk === undefined) return controller.close();
      controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    },
  }, { highWaterMark: 0 });
  return new Response(stream, { headers: { "content-type": contentType } });
}

/** A promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A line of a task stream: the task in the `{data, fields}` form. */
export function taskLine(task: Record<string, unknown>): string {
  return `${JSON.stringify({ data: task, fields: Object.keys(task) })}\n`;
}

/** The bound after which a test that would otherwise hang fails instead. */
export const FAIL_SAFE_MS = 8_000;
