/**
 * An image app shaped like the apps inference.sh runs (pydantic-style JSON
 * Schemas with `$defs`, `anyOf` with null, enums, bounds, files), for the type
 * generator's tests.
 *
 * @module
 */

import type { AppDefinition } from "../../src/testing/mod.ts";

const FILE = {
  type: "object",
  title: "File",
  description: "A file: a URI the worker downloads.",
  properties: {
    uri: { type: "string", title: "Uri" },
    path: { anyOf: [{ type: "string" }, { type: "null" }], default: null, title: "Path" },
    "content_type": {
      anyOf: [{ type: "string" }, { type: "null" }],
      default: null,
      title: "Content Type",
    },
    size: { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Size" },
    filename: { anyOf: [{ type: "string" }, { type: "null" }], default: null, title: "Filename" },
  },
  required: ["uri"],
};

/** `acme/studio`: text and reference images to images. */
export const studioApp: AppDefinition = {
  name: "acme/studio",
  schema: {
    description: "Makes images from a prompt and up to five reference images.",
    input: {
      type: "object",
      title: "AppInput",
      properties: {
        prompt: { type: "string", title: "Prompt", description: "What to draw." },
        images: {
          type: "array",
          title: "Images",
          description: "Reference images that guide the result.",
          items: { $ref: "#/$defs/File" },
          maxItems: 5,
          default: [],
        },
        quality: {
          type: "string",
          enum: ["low", "medium", "high"],
          title: "Quality",
          description: "Rendering quality; higher is slower.",
          default: "medium",
        },
        n: {
          type: "integer",
          minimum: 1,
          maximum: 10,
          title: "N",
          description: "How many images to make.",
          default: 1,
        },
        size: {
          anyOf: [{ $ref: "#/$defs/Size" }, { type: "null" }],
          default: null,
          description: "Output size; the model's own when absent.",
        },
        seed: { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Seed" },
        "style-preset": {
          type: "string",
          title: "Style Preset",
          description: "A named style. Comments end with */ in some schemas.",
        },
      },
      required: ["prompt"],
      $defs: {
        File: FILE,
        Size: {
          type: "object",
          title: "Size",
          properties: {
            width: { type: "integer", minimum: 256, maximum: 2048, title: "Width" },
            height: { type: "integer", minimum: 256, maximum: 2048, title: "Height" },
          },
          required: ["width", "height"],
        },
      },
    },
    output: {
      type: "object",
      title: "AppOutput",
      properties: {
        images: {
          type: "array",
          items: { $ref: "#/$defs/File" },
          title: "Images",
          description: "The images made.",
        },
        notice: {
          anyOf: [{ type: "string" }, { type: "null" }],
          title: "Notice",
          description: "Why fewer images came back, when they did.",
        },
        timings: {
          type: "object",
          title: "Timings",
          additionalProperties: { type: "number" },
          description: "Seconds per stage.",
        },
      },
      required: ["images", "notice"],
      $defs: { File: FILE },
    },
    functions: {
      edit: {
        description: "Edits one image where the mask is white.",
        input: {
          type: "object",
          title: "EditInput",
          properties: {
            image: { $ref: "#/$defs/File", description: "The image to edit." },
            mask: { type: "string", format: "image", description: "White where to edit." },
            prompt: { type: "string", title: "Prompt" },
          },
          required: ["image", "prompt"],
          $defs: { File: FILE },
        },
        output: {
          type: "object",
          title: "EditOutput",
          properties: { image: { type: "string", format: "image", title: "Image" } },
          required: ["image"],
        },
      },
    },
    variants: ["default", "fp16"],
    requiredSecrets: [{ key: "ACME_TOKEN", description: "Token of the Acme API." }],
  },
  run: (input) => {
    const n = (input as { n?: number }).n ?? 1;
    return {
      images: Array.from({ length: n }, (_, i) => `https://files.example/${i}.png`),
      notice: null,
    };
  },
};
