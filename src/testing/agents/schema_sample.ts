/**
 * A deterministic value valid for a JSON Schema, as the scripted model's
 * structured output and tool arguments: strings, numbers, integers, booleans,
 * enums and consts, nested objects, arrays, `anyOf`/`oneOf`/`allOf`, local
 * `$ref`s. Hints (e.g. the city the message names, a tool's JSON result) fill
 * the properties they name when their type fits.
 *
 * @module
 */

type Schema = Record<string, unknown>;

/** Values to use for properties of these names, when their type fits. */
export type Hints = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 8;

/** A value valid for `schema`; `hints` fill properties by name. */
export function sampleFromSchema(schema: unknown, hints: Hints = {}): unknown {
  return sample(asSchema(schema), "", hints, asSchema(schema), 0);
}

function asSchema(value: unknown): Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Schema
    : {};
}

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    target = asSchema(target)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return asSchema(target);
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    return type.find((t) => t !== "null") as string | undefined ?? type[0] as string | undefined;
  }
  if (typeof schema.properties === "object") return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function fits(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

function sample(input: Schema, key: string, hints: Hints, root: Schema, depth: number): unknown {
  const schema = resolve(input, root);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const hinted = hints[key];
    return schema.enum.includes(hinted) ? hinted : schema.enum[0];
  }
  for (const combinator of ["anyOf", "oneOf"] as const) {
    const options = schema[combinator];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.map(asSchema).find((option) =>
        typeOf(resolve(option, root)) !== "null"
      );
      return sample(usable ?? asSchema(options[0]), key, hints, root, depth);
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged: Schema = {};
    const properties: Schema = {};
    for (const part of schema.allOf.map((p) => resolve(asSchema(p), root))) {
      Object.assign(merged, part);
      Object.assign(properties, asSchema(part.properties));
    }
    delete merged.allOf;
    if (Object.keys(properties).length > 0) merged.properties = properties;
    return sample(merged, key, hints, root, depth);
  }
  const type = typeOf(schema);
  const hinted = hints[key];
  if (key !== "" && hinted !== undefined && fits(type, hinted)) return structuredClone(hinted);
  switch (type) {
    case "string":
      return sampleString(schema, key);
    case "integer":
      return sampleNumber(schema, true);
    case "number":
      return sampleNumber(schema, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      if (depth >= MAX_DEPTH) return [];
      const min = typeof schema.minItems === "number" ? schema.minItems : 1;
      const max = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
      const length = Math.min(Math.max(min, 1), max);
      const items = asSchema(Array.isArray(schema.items) ? schema.items[0] : schema.items);
      return Array.from({ length }, () => sample(items, key, {}, root, depth + 1));
    }
    case "object": {
      const out: Record<string, unknown> = {};
      if (depth >= MAX_DEPTH) return out;
      const nestedHints = key === "" ? hints : asSchema(hints[key]);
      for (const [name, property] of Object.entries(asSchema(schema.properties))) {
        out[name] = sample(
          asSchema(property),
          name,
          key === "" ? hints : nestedHints,
          root,
          depth + 1,
        );
      }
      return out;
    }
    default:
      return key === "" ? {} : `${key}`;
  }
}

function sampleString(schema: Schema, key: string): string {
  let text: string;
  switch (schema.format) {
    case "email":
      text = "user@example.com";
      break;
    case "uri":
    case "url":
      text = "https://example.com/";
      break;
    case "date-time":
      text = "2026-01-01T00:00:00Z";
      break;
    case "date":
      text = "2026-01-01";
      break;
    case "time":
      text = "00:00:00Z";
      break;
    case "uuid":
      text = "00000000-0000-4000-8000-000000000000";
      break;
    default:
      text = key === "" ? "emulated" : `emulated ${key}`;
  }
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  if (text.length < min) text = text.padEnd(min, "x");
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const low = typeof schema.minimum === "number"
    ? schema.minimum
    : typeof schema.exclusiveMinimum === "number"
    ? schema.exclusiveMinimum + (integer ? 1 : 0.5)
    : undefined;
  const high = typeof schema.maximum === "number"
    ? schema.maximum
    : typeof schema.exclusiveMaximum === "number"
    ? schema.exclusiveMaximum - (integer ? 1 : 0.5)
    : undefined;
  let value: number;
  if (low !== undefined && high !== undefined) {
    // Near the bottom of the range, but never outside it (zod's int bounds are ±2^53).
    value = Math.min(high, low + Math.min(1, (high - low) / 2));
    if (low <= 1 && high >= 1) value = 1;
  } else if (low !== undefined) {
    value = Math.max(low, 1);
  } else if (high !== undefined) {
    value = Math.min(high, 1);
  } else {
    value = 1;
  }
  if (integer) {
    value = Math.ceil(value);
    if (high !== undefined && value > high) value = Math.floor(high);
  }
  return value;
}
