/// <reference lib="deno.ns" />
/**
 * Real loopback sockets for tests (Deno only; the runtime matrix covers the
 * other runtimes): the emulator served on 127.0.0.1, or a hostile server whose
 * routes the test writes, and bodies for it that never end until the test is over.
 *
 * @module
 */

import { createEmulator, type Emulator, type EmulatorOptions } from "../src/testing/mod.ts";

/** Whether this runtime can serve (the loopback suites are skipped elsewhere). */
export const hasDeno: boolean = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** What a served handler saw and can do. */
export interface Hostile {
  /** The server's base URL. */
  base: string;
  /** `METHOD /path?query` of every request, in order. */
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

/**
 * Serves `handler` (a hostile server of the test's own, or any web handler) on
 * 127.0.0.1 for the length of `run`, which gets the base URL and the log.
 */
export async function hostile(
  handler: HostileHandler,
  run: (base: string, hostile: Hostile) => Promise<void>,
): Promise<void> {
  const log: string[] = [];
  let closed = false;
  const server: Hostile = {
    base: "",
    log,
    count: (call) => log.filter((entry) => entry === call).length,
    get closed() {
      return closed;
    },
  };
  const listener = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const path = url.pathname + url.search;
      log.push(`${request.method} ${path}`);
      return await handler(request, path, server);
    },
  );
  server.base = `http://127.0.0.1:${listener.addr.port}`;
  try {
    await run(server.base, server);
  } finally {
    closed = true;
    await listener.shutdown();
  }
}

/**
 * Runs `run` against an emulator served on 127.0.0.1, then closes the emulator
 * (which ends its open streams) and the server.
 */
export async function served(
  options: EmulatorOptions,
  run: (emulator: Emulator, base: string) => Promise<void>,
): Promise<void> {
  const emulator = createEmulator(options);
  await hostile(emulator.handler, async (base) => {
    try {
      await run(emulator, base);
    } finally {
      emulator.close();
    }
  });
}

/** A body that never ends: `chunk` again and again, counting the bytes pulled. */
export function endless(chunk: Uint8Array, pulled: { bytes: number }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
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
