/// <reference lib="deno.ns" />
/**
 * Hostile servers on a real loopback socket (Deno only; the suites using them
 * are skipped elsewhere): echoes of the key, endless bodies, odd answers.
 *
 * @module
 */

export { hasDeno } from "../_loopback.ts";

/** Serves `handler` on 127.0.0.1 for the duration of `run`. */
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

/** A body that never ends: `chunk` again and again, counting what was pulled. */
export function endless(chunk: Uint8Array, pulled: { bytes: number }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

/** Every string reachable from an error: message, stack, own fields, cause chain. */
export function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null || seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  const record = value as Record<string, unknown>;
  const keys = new Set(Object.keys(record));
  if (value instanceof Error) { for (const key of ["message", "stack", "cause"]) keys.add(key); }
  for (const key of keys) out.push(...strings(record[key], seen));
  return out;
}
