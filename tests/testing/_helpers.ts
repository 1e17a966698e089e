// Shared helpers for the emulator's tests: raw wire calls, no SDK client.
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/testing/mod.ts";
import { Ids } from "../../src/testing/ids.ts";

export const API = "https://api.inference.sh";
export const AUTH: Record<string, string> = { authorization: "Bearer inf_test" };

/** A fast emulator; pair with `using` or call `close()`. */
export function fastEmulator(options: EmulatorOptions = {}): Emulator {
  return createEmulator({ stepMs: 1, ...options });
}

/** `POST /apps/run` with `body`, returning the raw response. */
export function postRun(emulator: Emulator, body: unknown): Promise<Response> {
  return emulator.fetch(`${API}/apps/run`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Runs `app` and returns the created task (asserting 200). */
export async function run(
  emulator: Emulator,
  app: string,
  input: unknown = {},
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string; status: number }> {
  const response = await postRun(emulator, { app, input, ...extra });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /apps/run → ${response.status}: ${text}`);
  return JSON.parse(text).data;
}

/** Opens a task stream. */
export function openStream(
  emulator: Emulator,
  id: string,
  init: { accept?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  return emulator.fetch(`${API}/tasks/${id}/stream`, {
    headers: { ...AUTH, accept: init.accept ?? "application/x-ndjson" },
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** Reads a whole NDJSON body into parsed lines. */
export async function ndjson(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** Polls `GET /tasks/{id}` until the status is terminal; returns the task. */
export async function waitTerminal(
  emulator: Emulator,
  id: string,
  timeoutMs = 3000,
): Promise<Record<string, unknown> & { status: number }> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const response = await emulator.fetch(`${API}/tasks/${id}`, { headers: AUTH });
    const { data } = await response.json();
    if ([10, 11, 12].includes(data.status)) return data;
    if (Date.now() > deadline) throw new Error(`task ${id} still in status ${data.status}`);
    await delay(2);
  }
}

/** Waits `ms` (the timer is always cleared). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads the next chunk, or `"timeout"` if none arrives within `ms`. */
export async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<ReadableStreamReadResult<Uint8Array> | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads every chunk of a body as separate byte arrays. */
export async function chunks(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** What the live API's ids look like: 26 lowercase Crockford base32 characters (a ULID). */
export const ULID = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

/** A well-formed id that no emulator hands out first (for "not found" calls). */
export const MISSING_ID = "0000000000000000000000000z";

/**
 * The first id a fresh emulator hands out: an emulator whose first task gets it
 * has created nothing before (ids come from one seeded sequence).
 */
export function firstId(): string {
  return new Ids().next();
}
