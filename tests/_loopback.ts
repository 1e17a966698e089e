/// <reference lib="deno.ns" />
/**
 * Serves an emulator on a real loopback socket for one test (Deno only; the
 * runtime matrix covers the other runtimes).
 *
 * @module
 */

import { createEmulator, type Emulator, type EmulatorOptions } from "../src/testing/mod.ts";

/** Whether this runtime can serve (the loopback suites are skipped elsewhere). */
export const hasDeno: boolean = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** Runs `run` against an emulator served on 127.0.0.1, then closes both. */
export async function served(
  options: EmulatorOptions,
  run: (emulator: Emulator, base: string) => Promise<void>,
): Promise<void> {
  const emulator = createEmulator(options);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    emulator.handler,
  );
  try {
    await run(emulator, `http://127.0.0.1:${server.addr.port}`);
  } finally {
    emulator.close();
    await server.shutdown();
  }
}

/** Serves any `handler` (a hostile server of the test's own) on 127.0.0.1 for the length of `run`. */
export async function hostile(
  handler: (request: Request) => Response | Promise<Response>,
  run: (base: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, handler);
  try {
    await run(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
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
