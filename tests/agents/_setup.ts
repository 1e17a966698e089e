// Shared helpers of the agent tests: an emulator with a client wired to it in-process.
import type { InferenceClient } from "../../mod.ts";
import type { Emulator, EmulatorOptions } from "../../src/testing/mod.ts";
import { emulatorState } from "../../src/testing/emulator.ts";
import { KEY, setup as tasksSetup } from "../tasks/_setup.ts";

export { calls, FAST, KEY } from "../tasks/_setup.ts";
export const API = "https://api.inference.sh";

/** An emulator with fast turns and a client wired to it in-process. */
export function setup(
  emulatorOptions: EmulatorOptions = {},
): { emulator: Emulator; client: InferenceClient; [Symbol.dispose](): void } {
  return tasksSetup({ stepMs: 1, heartbeatMs: 5, ...emulatorOptions });
}

/** The parsed JSON bodies of the requests to `method path`. */
export function bodies(emulator: Emulator, method: string, path: string): unknown[] {
  return emulator.requests.filter((r) => r.method === method && r.path === path).map((r) =>
    JSON.parse(r.body)
  );
}

/** How many streams the emulator still has open (chat streams included). */
export function openStreams(emulator: Emulator): number {
  return emulatorState(emulator)!.streams.size;
}

/** How many chat subscribers the emulator still has. */
export function chatSubscribers(emulator: Emulator): number {
  return emulatorState(emulator)!.chats.subscriberCount;
}

/** Raw wire helpers for the emulator's own tests. */
export const AUTH: Record<string, string> = { authorization: `Bearer ${KEY}` };

/** `POST` JSON to the emulator and return status and parsed body. */
export async function post(
  emulator: Emulator,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await emulator.fetch(`${API}${path}`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : JSON.parse(text) };
}

/** `GET` from the emulator and return status and parsed body. */
export async function get(
  emulator: Emulator,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await emulator.fetch(`${API}${path}`, { headers: AUTH });
  return { status: response.status, body: await response.json() };
}

/** Waits (polling every millisecond) until `condition()` holds; fails after `limit` tries. */
export async function until(condition: () => boolean, limit = 5_000): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i >= limit) throw new Error("condition never held");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * A signal that aborts if a call hangs (a regression would otherwise stall the whole
 * run): not a timing assertion, the limit is far beyond any normal turn.
 */
export function hangGuard(ms = 20_000): { signal: AbortSignal; [Symbol.dispose](): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`hung for ${ms} ms`)), ms);
  return { signal: controller.signal, [Symbol.dispose]: () => clearTimeout(timer) };
}
