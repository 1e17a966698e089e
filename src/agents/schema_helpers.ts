/**
 * Parameter helpers of the tool builder — `string`, `number`, `integer`,
 * `boolean`, `enumOf`, `object`, `array`, `optional` — their conversion to the
 * JSON Schema the API expects (docs/protocol.md §7.10), and the check of a model's
 * arguments against them. Each helper carries the TypeScript type of the value
 * it describes, so a handler's `args` are typed.
 *
 * @module
 */

import type { StandardSchemaIssue } from "./standard_schema.ts";

/**
 * A JSON type a parameter can have.
 *
 * @example
 * ```ts
 * import type { ParamType } from "@inferencesh/sdk/types";
 * const type: ParamType = "integer";
 * ```
 */
export type ParamType = "string" | "number" | "integer" | "boolean" | "object" | "array";

/**
 * A tool parameter, made by {@linkcode string}, {@linkcode number},
 * {@linkcode integer}, {@linkcode boolean}, {@linkcode enumOf},
 * {@linkcode object}, {@linkcode array} and {@linkcode optional}.
 *
 * @typeParam T The TypeScript type of the value it describes.
 *
 * @example
 * ```ts
 * import { string } from "@inferencesh/sdk";
 * import type { Param } from "@inferencesh/sdk/types";
 * const city: Param<string> = string("City name");
 * ```
 */
export interface Param<T = unknown> {
  /** The JSON type. */
  readonly type: ParamType;
  /** What the model should pass; omitted from the JSON when empty. */
  readonly description?: string | undefined;
  /** Allowed values (strings only). */
  readonly enum?: readonly string[] | undefined;
  /** Properties of an object. */
  readonly properties?: Readonly<Record<string, Param>> | undefined;
  /** The item of an array. */
  readonly items?: Param | undefined;
  /** Set by {@linkcode optional}: the property may be left out. */
  readonly optional?: boolean | undefined;
  /** Type-level only: never set. */
  readonly "~type"?: T | undefined;
}

/**
 * Parameters by name, as given to `.params({...})`.
 *
 * @example
 * ```ts
 * import { integer, string } from "@inferencesh/sdk";
 * import type { Params } from "@inferencesh/sdk/types";
 * const params: Params = { city: string("City name"), days: integer("Days") };
 * ```
 */
export type Params = Readonly<Record<string, Param>>;

/**
 * The TypeScript type a {@linkcode Param} describes.
 *
 * @typeParam P The parameter.
 *
 * @example
 * ```ts
 * import { string } from "@inferencesh/sdk";
 * import type { ParamValue } from "@inferencesh/sdk/types";
 * const city = string("City");
 * const value: ParamValue<typeof city> = "Paris";
 * ```
 */
export type ParamValue<P> = P extends Param<infer T> ? T : never;

/**
 * The arguments object described by a set of parameters: optional ones become
 * optional properties.
 *
 * @typeParam P The parameters.
 *
 * @example
 * ```ts
 * import { integer, optional, string } from "@inferencesh/sdk";
 * import type { ArgsOf } from "@inferencesh/sdk/types";
 * const params = { city: string("City"), days: optional(integer("Days")) };
 * const args: ArgsOf<typeof params> = { city: "Paris" };
 * ```
 */
export type ArgsOf<P extends Params> =
  & {
    -readonly [K in keyof P as P[K] extends { readonly optional: true } ? never : K]: ParamValue<
      P[K]
    >;
  }
  & {
    -readonly [K in keyof P as P[K] extends { readonly optional: true } ? K : never]?: ParamValue<
      P[K]
    >;
  };

function described<T>(type: ParamType, description: string | undefined, name: string): Param<T> {
  if (description !== undefined && typeof description !== "string") {
    throw new TypeError(`Invalid argument '${name}': description must be a string`);
  }
  return description === undefined ? { type } : { type, description };
}

/**
 * A string parameter.
 *
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { string, tool } from "@inferencesh/sdk";
 * const weather = tool("get_weather").params({ city: string("City name") }).build();
 * ```
 */
export function string(description?: string): Param<string> {
  return described("string", description, "description");
}

/**
 * A number parameter.
 *
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { number, tool } from "@inferencesh/sdk";
 * const convert = tool("to_fahrenheit").params({ celsius: number("Degrees") }).build();
 * ```
 */
export function number(description?: string): Param<number> {
  return described("number", description, "description");
}

/**
 * An integer parameter.
 *
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { integer, tool } from "@inferencesh/sdk";
 * const forecast = tool("forecast").params({ days: integer("Days ahead") }).build();
 * ```
 */
export function integer(description?: string): Param<number> {
  return described("integer", description, "description");
}

/**
 * A boolean parameter.
 *
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { boolean, tool } from "@inferencesh/sdk";
 * const units = tool("set_units").params({ metric: boolean("Metric units") }).build();
 * ```
 */
export function boolean(description?: string): Param<boolean> {
  return described("boolean", description, "description");
}

/**
 * A string parameter limited to some values.
 *
 * @typeParam V The allowed values.
 * @param values The allowed values (at least one).
 * @param description What the model should pass.
 * @returns The parameter; its type is the union of the values.
 *
 * @example
 * ```ts
 * import { enumOf, tool } from "@inferencesh/sdk";
 * const units = tool("set_units").params({ unit: enumOf(["celsius", "fahrenheit"], "Unit") }).build();
 * ```
 */
export function enumOf<const V extends readonly string[]>(
  values: V,
  description?: string,
): Param<V[number]> {
  if (
    !Array.isArray(values) || values.length === 0 ||
    !values.every((value) => typeof value === "string")
  ) {
    throw new TypeError("Invalid argument 'values': must be a non-empty array of strings");
  }
  return { ...described<V[number]>("string", description, "description"), enum: [...values] };
}

/**
 * An object parameter with its own properties.
 *
 * @typeParam P The properties.
 * @param properties The properties, made with these helpers.
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { boolean, object, string, tool } from "@inferencesh/sdk";
 * const search = tool("search")
 *   .params({ query: string("Query"), options: object({ exact: boolean("Exact") }, "Options") })
 *   .build();
 * ```
 */
export function object<const P extends Params>(
  properties: P,
  description?: string,
): Param<ArgsOf<P>> {
  checkParams(properties, "properties");
  return { ...described<ArgsOf<P>>("object", description, "description"), properties };
}

/**
 * An array parameter.
 *
 * @typeParam T The item type.
 * @param items The item, made with these helpers.
 * @param description What the model should pass.
 * @returns The parameter.
 *
 * @example
 * ```ts
 * import { array, string, tool } from "@inferencesh/sdk";
 * const tag = tool("tag").params({ tags: array(string("A tag"), "Tags") }).build();
 * ```
 */
export function array<T>(items: Param<T>, description?: string): Param<T[]> {
  if (!isParam(items)) {
    throw new TypeError(
      "Invalid argument 'items': must be a parameter made by string(), object(), …",
    );
  }
  return { ...described<T[]>("array", description, "description"), items };
}

/**
 * Marks a parameter as optional: the model may leave it out.
 *
 * @typeParam P The parameter.
 * @param param The parameter.
 * @returns The same parameter, optional.
 *
 * @example
 * ```ts
 * import { integer, optional, string, tool } from "@inferencesh/sdk";
 * const forecast = tool("forecast")
 *   .params({ city: string("City"), days: optional(integer("Days")) })
 *   .handler(({ city, days }) => `${city}: ${days ?? 1} day(s)`)
 *   .build();
 * ```
 */
export function optional<P extends Param>(param: P): P & { readonly optional: true } {
  if (!isParam(param)) {
    throw new TypeError(
      "Invalid argument 'param': must be a parameter made by string(), object(), …",
    );
  }
  return { ...param, optional: true };
}

const TYPES: ReadonlySet<string> = new Set([
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
]);

/** Whether `value` is a parameter (internal). */
export function isParam(value: unknown): value is Param {
  return typeof value === "object" && value !== null &&
    TYPES.has((value as { type?: unknown }).type as string);
}

/** Checks a parameters record, naming `field` (internal). */
export function checkParams(params: unknown, field: string): asserts params is Params {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(`Invalid argument '${field}': must be an object of parameters`);
  }
  for (const [key, value] of Object.entries(params)) {
    if (!isParam(value)) {
      throw new TypeError(
        `Invalid argument '${field}.${key}': must be a parameter made by string(), number(), integer(), boolean(), enumOf(), object() or array()`,
      );
    }
  }
}

/**
 * The JSON Schema of a parameter set (docs/protocol.md §7.10): `{type: "object",
 * properties, required}`, `required` always present at the top.
 */
export function paramsToJsonSchema(params: Params): Record<string, unknown> {
  const { properties, required } = convertProperties(params);
  return { type: "object", properties, required };
}

function convertProperties(
  params: Params,
): { properties: Record<string, unknown>; required: string[] } {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [key, param] of Object.entries(params)) {
    properties[key] = convertParam(param);
    if (!param.optional) required.push(key);
  }
  return { properties, required };
}

function convertParam(param: Param): Record<string, unknown> {
  // Key order as the API's own builder writes it: type, description, enum, properties, required, items.
  const out: Record<string, unknown> = { type: param.type };
  if (param.description) out.description = param.description;
  if (param.enum) out.enum = [...param.enum];
  if (param.properties) {
    const nested = convertProperties(param.properties);
    out.properties = nested.properties;
    if (nested.required.length > 0) out.required = nested.required;
  }
  if (param.items) out.items = convertParam(param.items);
  return out;
}

/** Checks a model's arguments against parameters; returns the problems found (internal). */
export function checkArgs(params: Params, args: unknown): StandardSchemaIssue[] {
  const issues: StandardSchemaIssue[] = [];
  checkObject(params, args, [], issues);
  return issues;
}

function checkObject(
  params: Params,
  value: unknown,
  path: PropertyKey[],
  issues: StandardSchemaIssue[],
): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ message: `expected object, got ${kind(value)}`, path });
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, param] of Object.entries(params)) {
    const item = record[key];
    if (item === undefined || item === null) {
      if (!param.optional) issues.push({ message: "required", path: [...path, key] });
      continue;
    }
    checkValue(param, item, [...path, key], issues);
  }
}

function checkValue(
  param: Param,
  value: unknown,
  path: PropertyKey[],
  issues: StandardSchemaIssue[],
): void {
  switch (param.type) {
    case "object":
      checkObject(param.properties ?? {}, value, path, issues);
      return;
    case "array":
      if (!Array.isArray(value)) {
        issues.push({ message: `expected array, got ${kind(value)}`, path });
      } else if (param.items) {
        const items = param.items;
        value.forEach((item, index) => checkValue(items, item, [...path, index], issues));
      }
      return;
    case "integer":
      if (!Number.isInteger(value)) {
        issues.push({ message: `expected integer, got ${kind(value)}`, path });
      }
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        issues.push({ message: `expected number, got ${kind(value)}`, path });
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") {
        issues.push({ message: `expected boolean, got ${kind(value)}`, path });
      }
      return;
    case "string":
      if (typeof value !== "string") {
        issues.push({ message: `expected string, got ${kind(value)}`, path });
      } else if (param.enum && !param.enum.includes(value)) {
        issues.push({
          message: `expected one of ${param.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${
            JSON.stringify(value)
          }`,
          path,
        });
      }
      return;
  }
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return `integer ${value}`;
  if (typeof value === "number") return `number ${value}`;
  return typeof value;
}
