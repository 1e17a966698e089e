// Raw wire helpers of the fidelity tests: the emulator as a client that is not ours sees it.
import type { Emulator } from "../../src/testing/mod.ts";

export const API = "https://api.inference.sh";
export const AUTH: Record<string, string> = { authorization: "Bearer inf_fidelity" };

export type Json = Record<string, unknown>;

/** `POST` JSON; the raw response. */
export function post(
  emulator: Emulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return emulator.fetch(`${API}${path}`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** `GET`; the raw response. */
export function get(
  emulator: Emulator,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return emulator.fetch(`${API}${path}`, { headers: { ...AUTH, ...headers } });
}

/** The `data` of a 200 envelope (throws on anything else). */
export async function data(response: Response | Promise<Response>): Promise<Json> {
  const answer = await response;
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${text}`);
  return JSON.parse(text).data;
}

/** Every line of an NDJSON body, parsed. */
export async function lines(response: Response): Promise<Json[]> {
  const text = await response.text();
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** An ad-hoc agent whose model calls the client tool `get_weather` when asked about weather. */
export const WEATHER_AGENT: Json = {
  "core_app": { ref: "infsh/emulated-llm" },
  tools: [{
    name: "get_weather",
    type: "client",
    client: {
      "input_schema": {
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
      },
    },
  }],
};

/** A plain ad-hoc agent. */
export const PLAIN_AGENT: Json = { "core_app": { ref: "infsh/emulated-llm" } };

/** The `input` of `POST /agents/run` for `text`. */
export function input(text: string, extra: Json = {}): Json {
  return { text, role: "user", context: [], "system_prompt": "", "context_size": 0, ...extra };
}

/** Resolves after `ms` real milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
