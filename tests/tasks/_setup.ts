import { inference, type InferenceClient } from "../../mod.ts";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/testing/mod.ts";
import type { ClientOptions } from "../../src/http/config.ts";

export const KEY = "inf_test_key_0123456789";

/** An emulator with fast apps and a client wired to it in-process. */
export function setup(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<ClientOptions> = {},
): { emulator: Emulator; client: InferenceClient; [Symbol.dispose](): void } {
  const emulator = createEmulator({ stepMs: 2, ...emulatorOptions });
  const client = inference({ apiKey: KEY, fetch: emulator.fetch, ...clientOptions });
  return { emulator, client, [Symbol.dispose]: () => emulator.close() };
}

/** Fast reconnects for tests: no backoff wait. */
export const FAST = { reconnectDelayMs: 0 } as const;

/** The method and path of every API request the emulator received. */
export function calls(emulator: Emulator): string[] {
  return emulator.requests.filter((r) => !r.path.startsWith("/__")).map((r) =>
    `${r.method} ${r.path}`
  );
}

/**
 * Waits until `check` holds, looking every few ms, for work the SDK finishes in
 * the background (a cancel sent after an abort). Fails after `tries` looks.
 */
export async function until(check: () => boolean, what: string, tries = 1_000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Gave up waiting: ${what}`);
}
