/**
 * Accumulation of token deltas (docs/protocol.md §5): text fields append, tool calls
 * merge by index, usage and unknown fields replace.
 *
 * @module
 */

/**
 * One tool call as assembled from deltas; `arguments` is JSON text that is
 * complete once the stream says so.
 *
 * @example
 * ```ts
 * import type { ToolCallDelta } from "@inferencesh/sdk/types";
 * const call: ToolCallDelta = { index: 0, function: { name: "get_weather", arguments: "{\"ci" } };
 * ```
 */
export interface ToolCallDelta {
  /** Position of the call; fragments with the same index belong together. */
  index: number;
  /** The model's call id. */
  id?: string | undefined;
  /** Call type, usually `"function"`. */
  type?: string | undefined;
  /** The function's name, and its arguments as JSON text (appended fragment by fragment). */
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

/**
 * Everything the deltas of one producer said so far.
 *
 * @example
 * ```ts
 * import { inference } from "@inferencesh/sdk";
 * import { createEmulator } from "@inferencesh/sdk/testing";
 *
 * const emulator = createEmulator({ stepMs: 1 });
 * const client = inference({ apiKey: "test", fetch: emulator.fetch });
 * await client.tasks.run({ app: "infsh/text-stream", input: { prompt: "hi" } }, {
 *   onDelta: (_delta, so_far) => console.log(so_far.response),
 * });
 * emulator.close();
 * ```
 */
export interface AccumulatedDelta {
  /** The reply text so far. */
  response: string;
  /** The reasoning text so far. */
  reasoning: string;
  /** Tool calls so far, ordered by index. */
  "tool_calls": ToolCallDelta[];
  /** Token usage, as last reported. */
  usage?: Record<string, unknown> | undefined;
  /** Any other field, as last reported. */
  [field: string]: unknown;
}

/** An empty accumulator. */
export function emptyDelta(): AccumulatedDelta {
  return { response: "", reasoning: "", "tool_calls": [] };
}

/** Folds one delta payload into the accumulator (in place) and returns it. */
export function accumulateDelta(
  accumulated: AccumulatedDelta,
  delta: Record<string, unknown>,
): AccumulatedDelta {
  // for…in over a JSON object: its own keys, without an entries array per delta.
  for (const key in delta) {
    const value = delta[key];
    if (value === null || value === undefined) continue;
    if ((key === "response" || key === "reasoning") && typeof value === "string") {
      accumulated[key] += value;
    } else if (key === "tool_calls" && Array.isArray(value)) {
      for (const call of value) mergeToolCall(accumulated.tool_calls, call as ToolCallDelta);
      accumulated.tool_calls.sort((a, b) => a.index - b.index);
    } else {
      accumulated[key] = value;
    }
  }
  return accumulated;
}

function mergeToolCall(calls: ToolCallDelta[], delta: ToolCallDelta): void {
  let call = calls.find((c) => c.index === delta.index);
  if (!call) {
    call = { index: delta.index };
    calls.push(call);
  }
  if (delta.id !== undefined && delta.id !== null) call.id = delta.id;
  if (delta.type !== undefined && delta.type !== null) call.type = delta.type;
  if (delta.function) {
    const fn = call.function ??= {};
    if (delta.function.name) fn.name = delta.function.name;
    if (typeof delta.function.arguments === "string") {
      fn.arguments = (fn.arguments ?? "") + delta.function.arguments;
    }
  }
}
