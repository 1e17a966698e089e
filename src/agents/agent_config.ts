/**
 * Turns what callers pass to `client.agents.create()` into the wire form of
 * docs/protocol.md §7.1–7.2: snake_case keys (either spelling accepted), tools built and
 * stripped of their handlers (docs/protocol.md §10 A1), schemas converted to JSON Schema.
 *
 * @module
 */

import { isStandardSchema, jsonSchemaOf, type StandardSchemaV1 } from "./standard_schema.ts";
import type { ClientTool } from "./types.ts";

/** An agent, ready to send. */
export interface NormalizedAgent {
  /** `agent` (a template) or `agent_config` (ad hoc) of `POST /agents/run`. */
  body: { agent: string } | { "agent_config": Record<string, unknown> };
  /** Default `agent_name`. */
  name: string | undefined;
  /** Client tools by name (with or without a handler). */
  clientTools: Map<string, ClientTool>;
  /** The output schema, when it is a Standard Schema. */
  outputSchema: StandardSchemaV1 | undefined;
  /** Whether an output schema (of any kind) is set. */
  hasOutputSchema: boolean;
}

const REF = /^[^/\s@]+\/[^/\s@]+(@[^\s@]+)?$/;

/** Checks an agent or app reference, naming `field`. */
export function checkAgentRef(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string" || !REF.test(value)) {
    throw new TypeError(
      `Invalid argument '${field}': must be "namespace/name@version" (or "namespace/name"): got ${
        JSON.stringify(value)
      }`,
    );
  }
}

/** Pairs of spellings, in the order the keys are sent. */
const KEYS: ReadonlyArray<readonly [camel: string | undefined, snake: string]> = [
  ["coreApp", "core_app"],
  [undefined, "name"],
  [undefined, "description"],
  ["systemPrompt", "system_prompt"],
  ["examplePrompts", "example_prompts"],
  [undefined, "tools"],
  ["internalTools", "internal_tools"],
  ["outputSchema", "output_schema"],
  [undefined, "hooks"],
];

/** The agent named by `create()`'s argument, checked and in wire form. */
export function normalizeAgent(agent: unknown): NormalizedAgent {
  if (typeof agent === "string") {
    checkAgentRef(agent, "agent");
    return {
      body: { agent },
      name: undefined,
      clientTools: new Map(),
      outputSchema: undefined,
      hasOutputSchema: false,
    };
  }
  if (typeof agent !== "object" || agent === null || Array.isArray(agent)) {
    throw new TypeError(
      `Invalid argument 'agent': must be "namespace/name@version" or an agent config object`,
    );
  }
  const config = agent as Record<string, unknown>;
  const picked = new Map<string, unknown>();
  const known = new Set<string>();
  for (const [camel, snake] of KEYS) {
    known.add(snake);
    if (camel) known.add(camel);
    const a = camel === undefined ? undefined : config[camel];
    const b = config[snake];
    if (a !== undefined && b !== undefined && a !== b) {
      throw new TypeError(`Invalid agent config: give '${camel}' or '${snake}', not both`);
    }
    const value = a ?? b;
    if (value !== undefined) picked.set(snake, value);
  }

  const wire: Record<string, unknown> = {};
  const coreApp = picked.get("core_app");
  if (coreApp === undefined) {
    throw new TypeError(
      `Invalid agent config: 'coreApp' is required: the LLM app, e.g. "infsh/claude-sonnet-4@abc123"`,
    );
  }
  if (typeof coreApp === "string") {
    checkAgentRef(coreApp, "coreApp");
    wire["core_app"] = { ref: coreApp };
  } else if (typeof coreApp === "object" && coreApp !== null && !Array.isArray(coreApp)) {
    checkAgentRef((coreApp as { ref?: unknown }).ref, "coreApp.ref");
    wire["core_app"] = structuredClone(coreApp);
  } else {
    throw new TypeError(`Invalid argument 'coreApp': must be "namespace/name@version" or { ref }`);
  }
  for (const key of ["name", "description", "system_prompt"]) {
    const value = picked.get(key);
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new TypeError(`Invalid argument '${key}': must be a string`);
    }
    wire[key] = value;
  }
  const prompts = picked.get("example_prompts");
  if (prompts !== undefined) {
    if (!Array.isArray(prompts) || !prompts.every((p) => typeof p === "string")) {
      throw new TypeError("Invalid argument 'examplePrompts': must be an array of strings");
    }
    wire["example_prompts"] = [...prompts];
  }

  const clientTools = new Map<string, ClientTool>();
  const tools = picked.get("tools");
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw new TypeError("Invalid argument 'tools': must be an array");
    const names = new Set<string>();
    wire.tools = tools.map((entry, index) => {
      const built = toTool(entry, `tools[${index}]`);
      const name = built.name as string;
      if (names.has(name)) {
        throw new TypeError(
          `Invalid argument 'tools[${index}]': a tool named "${name}" is already listed`,
        );
      }
      names.add(name);
      if (built.type === "client") clientTools.set(name, built as unknown as ClientTool);
      return toWire(built);
    });
  }

  const hooks = picked.get("hooks");
  if (hooks !== undefined) {
    if (!Array.isArray(hooks)) throw new TypeError("Invalid argument 'hooks': must be an array");
    // Builders are built, so a lifecycleHook(…) passed unbuilt is not sent as {}.
    wire.hooks = hooks.map((entry, index) => {
      const hook = isBuilder(entry) ? entry.build() : entry;
      const { event, type } = (hook ?? {}) as { event?: unknown; type?: unknown };
      if (typeof event !== "string" || event === "" || typeof type !== "string" || type === "") {
        throw new TypeError(
          `Invalid argument 'hooks[${index}]': must be a hook (from lifecycleHook(…)) with an event and a type`,
        );
      }
      return structuredClone(hook);
    });
  }

  let internal = picked.get("internal_tools");
  if (internal !== undefined) {
    if (isBuilder(internal)) internal = internal.build();
    if (typeof internal !== "object" || internal === null || Array.isArray(internal)) {
      throw new TypeError(
        "Invalid argument 'internalTools': must be an object like { finish: true }",
      );
    }
    for (const [key, value] of Object.entries(internal)) {
      if (typeof value !== "boolean" && value !== undefined) {
        throw new TypeError(`Invalid argument 'internalTools.${key}': must be a boolean`);
      }
    }
    wire["internal_tools"] = { ...internal };
  }

  let outputSchema: StandardSchemaV1 | undefined;
  const output = picked.get("output_schema");
  if (output !== undefined) {
    if (isStandardSchema(output)) {
      outputSchema = output;
      wire["output_schema"] = jsonSchemaOf(output, "outputSchema");
    } else if (typeof output === "object" && output !== null && !Array.isArray(output)) {
      wire["output_schema"] = structuredClone(output);
    } else {
      throw new TypeError(
        "Invalid argument 'outputSchema': must be a Standard Schema or a JSON Schema object",
      );
    }
  }

  for (const [key, value] of Object.entries(config)) {
    if (known.has(key) || value === undefined || typeof value === "function") continue;
    wire[key] = value;
  }
  return {
    body: { "agent_config": wire },
    name: typeof wire.name === "string" ? wire.name : undefined,
    clientTools,
    outputSchema,
    hasOutputSchema: output !== undefined,
  };
}

function isBuilder(value: unknown): value is { build(): unknown } {
  return typeof value === "object" && value !== null &&
    typeof (value as { build?: unknown }).build === "function";
}

/** A tool entry as a tool object: builders are built, `{schema, handler}` pairs unwrapped. */
function toTool(entry: unknown, field: string): Record<string, unknown> {
  let value = entry;
  if (isBuilder(value)) value = value.build();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Invalid argument '${field}': must be a tool (from tool(…).build()) or tool JSON`,
    );
  }
  let tool = value as Record<string, unknown>;
  // The official SDK's `tool(…).handler(fn)` shape: { schema, handler } (docs/protocol.md §10 A1).
  const schema = tool.schema;
  if (tool.name === undefined && typeof schema === "object" && schema !== null) {
    tool = { ...schema as Record<string, unknown>, handler: tool.handler };
  }
  if (typeof tool.name !== "string" || tool.name === "") {
    throw new TypeError(`Invalid argument '${field}.name': must be a non-empty string`);
  }
  if (typeof tool.type !== "string" || tool.type === "") {
    throw new TypeError(`Invalid argument '${field}.type': must be a tool type such as "client"`);
  }
  if (tool.handler !== undefined && typeof tool.handler !== "function") {
    throw new TypeError(`Invalid argument '${field}.handler': must be a function`);
  }
  return tool;
}

/** The tool as sent: every field but functions (the handler stays here). */
function toWire(tool: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tool)) {
    if (key === "handler" || typeof value === "function" || value === undefined) continue;
    out[key] = structuredClone(value);
  }
  return out;
}
