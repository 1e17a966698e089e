/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared here so
 * that schemas of zod 4, valibot, arktype and others can type tools and structured
 * output without the SDK depending on any of them. Also the Standard JSON Schema
 * converter (`~standard.jsonSchema`), through which a schema describes itself to
 * the model.
 *
 * @module
 */

/**
 * One problem found by a schema's `validate`.
 *
 * @example
 * ```ts
 * import type { StandardSchemaIssue } from "@inferencesh/sdk/types";
 * const issue: StandardSchemaIssue = { message: "Expected string", path: ["city"] };
 * ```
 */
export interface StandardSchemaIssue {
  /** What is wrong, in the schema library's words. */
  readonly message: string;
  /** Where: keys from the root, or segments carrying a `key`. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * What `validate` returns: the parsed value, or the issues.
 *
 * @typeParam Output The parsed value's type.
 *
 * @example
 * ```ts
 * import type { StandardSchemaResult } from "@inferencesh/sdk/types";
 * const ok: StandardSchemaResult<number> = { value: 1 };
 * const bad: StandardSchemaResult<number> = { issues: [{ message: "Expected number" }] };
 * ```
 */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/**
 * The Standard JSON Schema converter a schema may carry as `~standard.jsonSchema`
 * (zod 4.6 does). The SDK calls `input({ target: "draft-07" })`.
 *
 * @example
 * ```ts
 * import type { StandardJsonSchemaConverter } from "@inferencesh/sdk/types";
 * const converter: StandardJsonSchemaConverter = {
 *   input: () => ({ type: "object", properties: {}, required: [] }),
 *   output: () => ({ type: "object", properties: {}, required: [] }),
 * };
 * ```
 */
export interface StandardJsonSchemaConverter {
  /** JSON Schema of the values the schema accepts. */
  readonly input: (options: { readonly target: "draft-07" }) => Record<string, unknown>;
  /** JSON Schema of the values the schema produces. */
  readonly output?:
    | ((options: { readonly target: "draft-07" }) => Record<string, unknown>)
    | undefined;
}

/**
 * The `~standard` member of a Standard Schema.
 *
 * @typeParam Input What the schema accepts.
 * @typeParam Output What it produces.
 *
 * @example
 * ```ts
 * import type { StandardSchemaProps } from "@inferencesh/sdk/types";
 * const props: StandardSchemaProps<string> = {
 *   version: 1,
 *   vendor: "hand-made",
 *   validate: (value) =>
 *     typeof value === "string" ? { value } : { issues: [{ message: "Expected string" }] },
 * };
 * ```
 */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** The version of the standard: 1. */
  readonly version: 1;
  /** The library, e.g. `"zod"`. */
  readonly vendor: string;
  /** Checks and parses a value. */
  readonly validate: (
    value: unknown,
  ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Type-level only: the input and output types. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  /** The Standard JSON Schema converter, when the library has one. */
  readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
}

/**
 * A Standard Schema v1: zod 4 (`z.object(...)`), valibot, arktype and others
 * implement it. Declared locally, so the SDK depends on none of them.
 *
 * @typeParam Input What the schema accepts.
 * @typeParam Output What it produces.
 *
 * @example A zod schema is a Standard Schema
 * ```ts
 * import type { StandardSchemaV1 } from "@inferencesh/sdk/types";
 * import { z } from "zod";
 *
 * const city: StandardSchemaV1<{ city: string }> = z.object({ city: z.string() });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The standard's properties. */
  readonly "~standard": StandardSchemaProps<Input, Output>;
}

/**
 * The type a Standard Schema produces.
 *
 * @typeParam Schema The schema.
 *
 * @example
 * ```ts
 * import type { InferOutput } from "@inferencesh/sdk/types";
 * import { z } from "zod";
 *
 * const weather = z.object({ celsius: z.number() });
 * const value: InferOutput<typeof weather> = { celsius: 21 };
 * ```
 */
export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
  Schema["~standard"]["types"]
>["output"];

/**
 * The type a Standard Schema accepts.
 *
 * @typeParam Schema The schema.
 *
 * @example
 * ```ts
 * import type { InferInput } from "@inferencesh/sdk/types";
 * import { z } from "zod";
 *
 * const weather = z.object({ celsius: z.number() });
 * const value: InferInput<typeof weather> = { celsius: 21 };
 * ```
 */
export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
  Schema["~standard"]["types"]
>["input"];

/** Whether `value` looks like a Standard Schema (internal). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return typeof props === "object" && props !== null &&
    typeof (props as { validate?: unknown }).validate === "function";
}

/**
 * The JSON Schema of a Standard Schema, from its own converter, without `$schema`
 * (internal). Throws a `TypeError` naming `field` when the schema has no converter.
 */
export function jsonSchemaOf(schema: StandardSchemaV1, field: string): Record<string, unknown> {
  const converter = schema["~standard"].jsonSchema;
  if (typeof converter?.input !== "function") {
    throw new TypeError(
      `Invalid argument '${field}': this ${
        schema["~standard"].vendor
      } schema cannot describe itself as JSON Schema (no "~standard.jsonSchema"): wrap it with withJsonSchema(schema, jsonSchema)`,
    );
  }
  let converted: Record<string, unknown>;
  try {
    converted = converter.input({ target: "draft-07" });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TypeError(
      `Invalid argument '${field}': the schema cannot be converted to JSON Schema: ${reason}`,
      { cause },
    );
  }
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/**
 * Attaches a JSON Schema to a Standard Schema whose library cannot produce one,
 * so it can type a tool's parameters or an agent's output.
 *
 * @typeParam Schema The schema's type; its input and output types are kept.
 * @param schema A Standard Schema (it validates).
 * @param jsonSchema The JSON Schema sent to the API (it describes).
 * @returns A Standard Schema that validates with `schema` and describes itself with `jsonSchema`.
 *
 * @example
 * ```ts
 * import { tool, withJsonSchema } from "@inferencesh/sdk";
 * import type { StandardSchemaV1 } from "@inferencesh/sdk/types";
 *
 * const city: StandardSchemaV1<{ city: string }> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "hand-made",
 *     validate: (value) => {
 *       const city = (value as { city?: unknown } | null)?.city;
 *       return typeof city === "string" ? { value: { city } } : { issues: [{ message: "city: expected string" }] };
 *     },
 *   },
 * };
 * const weather = tool("get_weather")
 *   .params(withJsonSchema(city, {
 *     type: "object",
 *     properties: { city: { type: "string" } },
 *     required: ["city"],
 *   }))
 *   .handler(({ city }) => `Sunny in ${city}`)
 *   .build();
 * ```
 */
export function withJsonSchema<Schema extends StandardSchemaV1>(
  schema: Schema,
  jsonSchema: Record<string, unknown>,
): StandardSchemaV1<InferInput<Schema>, InferOutput<Schema>> {
  if (!isStandardSchema(schema)) {
    throw new TypeError("Invalid argument 'schema': must be a Standard Schema (with '~standard')");
  }
  if (typeof jsonSchema !== "object" || jsonSchema === null || Array.isArray(jsonSchema)) {
    throw new TypeError("Invalid argument 'jsonSchema': must be a JSON Schema object");
  }
  const described = structuredClone(jsonSchema);
  const props = schema["~standard"];
  return {
    "~standard": {
      version: props.version,
      vendor: props.vendor,
      validate: (value: unknown) => props.validate(value),
      types: props.types,
      jsonSchema: { input: () => described, output: () => described },
    },
  } as StandardSchemaV1<InferInput<Schema>, InferOutput<Schema>>;
}

/** Validates `value` with a Standard Schema (internal). */
export async function validateStandard<Output>(
  schema: StandardSchemaV1<unknown, Output>,
  value: unknown,
): Promise<StandardSchemaResult<Output>> {
  return await schema["~standard"].validate(value);
}

/** Renders issues as one line: `city: Expected string; days: Too small` (internal). */
export function describeIssues(issues: ReadonlyArray<StandardSchemaIssue>): string {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) =>
      String(typeof segment === "object" && segment !== null ? segment.key : segment)
    ).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  }).join("; ");
}
