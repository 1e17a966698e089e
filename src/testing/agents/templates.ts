/**
 * The emulator's agent templates, named `namespace/name@version` like real ones.
 *
 * @module
 */

import type { Json } from "./chat_store.ts";

/** A saved agent. */
export interface AgentTemplate {
  /** `namespace/name@version`. */
  readonly ref: string;
  readonly agentId: string;
  readonly versionId: string;
  /** Its `AgentConfig`. */
  readonly config: Json;
}

/** The scripted LLM every agent of the emulator runs on. */
export const EMULATED_LLM = "infsh/emulated-llm";

const TEMPLATES: readonly AgentTemplate[] = [
  {
    ref: "my-org/assistant@abc123",
    agentId: "agent_assistant",
    versionId: "abc123",
    config: {
      name: "assistant",
      "core_app": { ref: `${EMULATED_LLM}@v1` },
      "system_prompt": "You are a helpful assistant.",
      tools: [],
    },
  },
  {
    ref: "my-org/weather@v1",
    agentId: "agent_weather",
    versionId: "v1",
    config: {
      name: "weather",
      "core_app": { ref: `${EMULATED_LLM}@v1` },
      "system_prompt": "You report the weather.",
      tools: [{
        name: "get_weather",
        "display_name": "get_weather",
        description: "Get current weather",
        type: "client",
        client: {
          "input_schema": {
            type: "object",
            properties: { city: { type: "string", description: "City name" } },
            required: ["city"],
          },
        },
      }],
    },
  },
  {
    ref: "my-org/analyst@v2",
    agentId: "agent_analyst",
    versionId: "v2",
    config: {
      name: "analyst",
      "core_app": { ref: `${EMULATED_LLM}@v1` },
      "system_prompt": "Analyse the sentiment of the message.",
      "internal_tools": { finish: true },
      "output_schema": {
        type: "object",
        properties: {
          summary: { type: "string" },
          sentiment: { type: "string", enum: ["positive", "negative", "neutral"] },
          confidence: { type: "number", minimum: 0, maximum: 1 },
        },
        required: ["summary", "sentiment", "confidence"],
      },
    },
  },
];

/**
 * The template `ref` names: an exact `namespace/name@version`, or
 * `namespace/name` (optionally `@latest`) for its only version.
 */
export function findTemplate(ref: string): AgentTemplate | undefined {
  const exact = TEMPLATES.find((template) => template.ref === ref);
  if (exact) return exact;
  const [name, version] = ref.split("@");
  if (version !== undefined && version !== "latest") return undefined;
  return TEMPLATES.find((template) => template.ref.split("@")[0] === name);
}
