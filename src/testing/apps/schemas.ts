/**
 * What `GET /apps/{namespace}/{name}` tells about an app: its schemas,
 * functions, variants and required secrets, for the built-in apps (shaped like
 * the JSON Schemas real apps publish, pydantic style) and for apps given to
 * `createEmulator({ apps })`.
 *
 * @module
 */

/**
 * The description of an app the emulator serves at `GET /apps/{namespace}/{name}`,
 * so `apps.get()` and the type generator work offline. Every part is optional;
 * a missing schema is served as an open object.
 *
 * @example
 * ```ts
 * import type { AppSchema } from "@inferencesh/sdk/testing";
 * const schema: AppSchema = {
 *   description: "Says hello",
 *   input: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
 *   output: { type: "object", properties: { greeting: { type: "string" } }, required: ["greeting"] },
 *   variants: ["default"],
 *   requiredSecrets: [{ key: "HELLO_TOKEN", description: "Token of the hello service" }],
 * };
 * ```
 */
export interface AppSchema {
  /** One line about the app. */
  description?: string | undefined;
  /** JSON Schema of the default function's input (`input_schema`). */
  input?: Record<string, unknown> | undefined;
  /** JSON Schema of its output (`output_schema`). */
  output?: Record<string, unknown> | undefined;
  /** JSON Schema of the setup parameters (`setup_schema`). */
  setup?: Record<string, unknown> | undefined;
  /** Further functions, by name, each with its own schemas. */
  functions?:
    | Record<string, {
      description?: string | undefined;
      input?: Record<string, unknown> | undefined;
      output?: Record<string, unknown> | undefined;
    }>
    | undefined;
  /** The function run when a request names none. @default {"run"} */
  defaultFunction?: string | undefined;
  /** Names of the variants. @default {["default"]} */
  variants?: readonly string[] | undefined;
  /** Secrets the app needs (`required_secrets`). */
  requiredSecrets?:
    | readonly { key: string; description?: string | undefined; optional?: boolean | undefined }[]
    | undefined;
}

const OPEN: Record<string, unknown> = {
  type: "object",
  properties: {},
  additionalProperties: true,
};

const PROMPT = {
  type: "string",
  title: "Prompt",
  description: "The text to work on.",
};

/** Schemas of the built-in apps, by name. */
export const BUILT_IN_SCHEMAS: Readonly<Record<string, AppSchema>> = {
  "infsh/echo": {
    description: "Completes with its input as output.",
    input: { ...OPEN, title: "AppInput", description: "Any object; it is echoed back." },
    output: { ...OPEN, title: "AppOutput", description: "The input, unchanged." },
  },
  "infsh/text-stream": {
    description: "Streams `Echo: <prompt>` word by word as deltas.",
    input: {
      type: "object",
      title: "AppInput",
      properties: { prompt: { ...PROMPT, default: "" } },
    },
    output: {
      type: "object",
      title: "AppOutput",
      properties: { response: { type: "string", title: "Response", description: "The reply." } },
      required: ["response"],
    },
  },
  "infsh/sleep": {
    description: "Sleeps, then completes.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        seconds: {
          type: "number",
          title: "Seconds",
          description: "How long to sleep.",
          minimum: 0,
          default: 1,
        },
      },
    },
    output: {
      type: "object",
      title: "AppOutput",
      properties: { slept: { type: "number", title: "Slept", description: "Seconds slept." } },
      required: ["slept"],
    },
  },
  "infsh/fail": {
    description: "Fails with the message given.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        message: {
          anyOf: [{ type: "string" }, { type: "null" }],
          title: "Message",
          description: "The error the task fails with.",
          default: null,
        },
      },
    },
    output: { type: "object", title: "AppOutput", properties: {} },
  },
  "infsh/image": {
    description: "Renders a gradient PNG of the size asked.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        prompt: {
          ...PROMPT,
          description: "What to draw (ignored: it is a gradient).",
          default: "",
        },
        width: {
          type: "integer",
          title: "Width",
          description: "Width in pixels.",
          minimum: 1,
          maximum: 1024,
          default: 64,
        },
        height: {
          type: "integer",
          title: "Height",
          description: "Height in pixels.",
          minimum: 1,
          maximum: 1024,
          default: 64,
        },
      },
    },
    output: {
      type: "object",
      title: "AppOutput",
      properties: {
        image: { type: "string", format: "image", title: "Image", description: "The PNG." },
      },
      required: ["image"],
    },
    variants: ["default", "fp16"],
  },
  "infsh/needs-secret": {
    description: "Needs a secret the caller never has: runs answer 412.",
    input: { type: "object", title: "AppInput", properties: {} },
    output: { type: "object", title: "AppOutput", properties: {} },
    requiredSecrets: [{ key: "OPENAI_API_KEY", description: "An OpenAI API key." }],
  },
  "infsh/file-info": {
    description: "Replaces every file URI in its input by the file's name, size, type and SHA-256.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        file: {
          type: "string",
          format: "file",
          title: "File",
          description: "Any file; other fields and nested files are described too.",
        },
      },
      additionalProperties: true,
    },
    output: { ...OPEN, title: "AppOutput" },
  },
  "infsh/counter": {
    description: "Counts calls in a session's worker memory.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        by: { type: "number", title: "By", description: "How much to add.", default: 1 },
      },
    },
    output: {
      type: "object",
      title: "AppOutput",
      properties: { count: { type: "number", title: "Count", description: "The total so far." } },
      required: ["count"],
    },
  },
};
