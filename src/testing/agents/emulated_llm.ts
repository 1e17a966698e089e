/**
 * The scripted model behind every emulated agent (`infsh/emulated-llm`): it
 * echoes the message, calls a declared client tool when the message asks for
 * it (a message about the weather calls a `…weather…` tool with the city it
 * names; a message naming a tool calls that tool) and quotes the result, and
 * fills the output schema with a value derived from the schema.
 *
 * @module
 */

import type { Json } from "./chat_store.ts";
import { type Hints, sampleFromSchema } from "./schema_sample.ts";

/** A client tool call the model makes. */
export interface PlannedToolCall {
  readonly name: string;
  readonly args: Json;
  /** The tool asked for approval (`require_approval`). */
  readonly approval: boolean;
  /** For a webhook tool: where the emulator POSTs the call, and the secret that signs it. */
  readonly hook?: { readonly url: string; readonly secret: string | undefined } | undefined;
}

/** What the model does in one turn. */
export interface TurnScript {
  /** Text streamed first. */
  readonly opening: string;
  /** The tool call, if any, made after the opening. */
  readonly tool: PlannedToolCall | undefined;
  /** Text streamed after the tool's result (or right after the opening). */
  closing(result: string | undefined): string;
  /** The structured output, when the agent has an output schema. */
  output(result: string | undefined): unknown;
}

/** The city a message names: "…weather in Paris?" → "Paris". */
export function cityIn(text: string): string | undefined {
  const match = /\b(?:in|for|at)\s+(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*)/u.exec(text);
  return match?.[1];
}

function sentimentOf(text: string): string {
  if (/\b(great|good|love|excellent|amazing|happy|nice)\b/i.test(text)) return "positive";
  if (/\b(bad|terrible|hate|awful|poor|sad|broken)\b/i.test(text)) return "negative";
  return "neutral";
}

function asObject(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Json : {};
}

function chooseTool(tools: Json[], text: string): Json | undefined {
  const lower = text.toLowerCase();
  const client = tools.filter((tool) =>
    (tool.type === "client" || (tool.type === "hook" && isWebhook(tool))) &&
    typeof tool.name === "string"
  );
  const named = client.find((tool) => {
    const name = String(tool.name).toLowerCase();
    return lower.includes(name) || lower.includes(name.replaceAll("_", " "));
  });
  if (named) return named;
  if (/\b(weather|temperature|forecast)\b/i.test(text)) {
    return client.find((tool) => String(tool.name).toLowerCase().includes("weather"));
  }
  return undefined;
}

function isWebhook(tool: Json): boolean {
  return typeof asObject(tool.hook).url === "string";
}

/** Plans a turn of the agent `config` answering `text`. */
export function planTurn(config: Json, text: string): TurnScript {
  const tools = Array.isArray(config.tools) ? config.tools.map(asObject) : [];
  const schema = config["output_schema"];
  const hasOutput = typeof schema === "object" && schema !== null;
  const city = cityIn(text);
  const hints: Hints = {
    ...(city === undefined ? {} : { city, location: city, place: city }),
    text,
    query: text,
    message: text,
    prompt: text,
    summary: `Summary: ${text}`,
    sentiment: sentimentOf(text),
  };
  const chosen = chooseTool(tools, text);
  const hook = chosen?.type === "hook" ? asObject(chosen.hook) : undefined;
  const tool: PlannedToolCall | undefined = chosen
    ? {
      name: String(chosen.name),
      args: asObject(sampleFromSchema(asObject(hook ?? chosen.client)["input_schema"], hints)),
      approval: chosen["require_approval"] === true,
      ...(hook
        ? {
          hook: {
            url: String(hook.url),
            secret: typeof hook.secret === "string" ? hook.secret : undefined,
          },
        }
        : {}),
    }
    : undefined;
  const outro = hasOutput ? " Here is the structured output." : "";
  return {
    opening: tool ? `Let me call ${tool.name}.` : `You said: ${text}${outro}`,
    tool,
    closing: (result) => tool ? ` The ${tool.name} tool returned: ${result ?? ""}${outro}` : "",
    output: (result) => {
      if (!hasOutput) return undefined;
      let fromTool: Json = {};
      try {
        fromTool = asObject(JSON.parse(result ?? ""));
      } catch {
        // Not JSON: nothing to reuse.
      }
      return sampleFromSchema(schema, { ...hints, ...fromTool });
    },
  };
}
