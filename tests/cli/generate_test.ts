import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { App } from "../../src/types.ts";
import { generateAppTypes } from "../../src/cli/generate.ts";
import { type CliIo, runTypes } from "../../src/cli/types_command.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { studioApp } from "./_studio.ts";

const SNAPSHOT = new URL("./snapshots/acme_studio.ts", import.meta.url);

/** An io that records what the command writes. */
function recorder(
  fetch: CliIo["fetch"],
  env: Record<string, string> = { INFERENCE_API_KEY: "inf_test_key_0123456789" },
) {
  const out = { stdout: "", stderr: "", files: new Map<string, string>() };
  const io: CliIo = {
    env: (name) => env[name],
    stdout: (text) => out.stdout += text,
    stderr: (text) => out.stderr += text,
    writeFile: (path, text) => {
      out.files.set(path, text);
      return Promise.resolve();
    },
    fetch,
  };
  return { io, out };
}

/** An app whose default function has `input` and `output` as schemas. */
function app(input: unknown, output: unknown = { type: "object", properties: {} }): App {
  return {
    id: "app_1",
    namespace: "acme",
    name: "t",
    version: {
      id: "ver_1",
      "input_schema": input as Record<string, unknown>,
      "output_schema": output as Record<string, unknown>,
    },
  };
}

/** The body of `export interface AcmeTInput { … }` in `text`. */
function inputBody(text: string): string {
  const match = /export (?:interface AcmeTInput \{\n([\s\S]*?)\n\}|type AcmeTInput = (.*);)/.exec(
    text,
  );
  assert.ok(match, text);
  return (match[1] ?? match[2] ?? "").replace(/^\s*(\/\*\*.*\*\/|\/\*\*|\*.*|\*\/)\n/gm, "")
    .trim();
}

describe("types command", () => {
  it("writes the snapshot for an image app read from the emulator", async () => {
    const emulator = createEmulator({ apps: [studioApp] });
    try {
      const { io, out } = recorder(emulator.fetch);
      const code = await runTypes(["acme/studio"], io);
      assert.equal(code, 0, out.stderr);
      assert.equal(out.stdout, await readFile(SNAPSHOT, "utf8"));
      // It read the app by name, with the key.
      const request = emulator.requests.find((r) => r.path === "/apps/acme/studio");
      assert.ok(request);
      assert.equal(request.headers["authorization"], "Bearer inf_test_key_0123456789");
    } finally {
      emulator.close();
    }
  });

  it("writes --out through io.writeFile and augments --module", async () => {
    const emulator = createEmulator();
    try {
      const { io, out } = recorder(emulator.fetch);
      const code = await runTypes(
        [
          "infsh/image",
          "infsh/echo",
          "-o",
          "app_types.ts",
          "--module=jsr:@inferencesh/sdk",
        ],
        io,
      );
      assert.equal(code, 0, out.stderr);
      assert.equal(out.stdout, "");
      const text = out.files.get("app_types.ts") ?? "";
      assert.match(text, /declare module "jsr:@inferencesh\/sdk" \{/);
      assert.match(text, /import type \{\} from "jsr:@inferencesh\/sdk";/);
      // Sorted by name, each registered with its types.
      assert.ok(text.indexOf('"infsh/echo": {') < text.indexOf('"infsh/image": {'));
      assert.match(
        text,
        /"infsh\/image": \{\n\s+input: InfshImageInput;\n\s+output: InfshImageOutput;\n\s+variants: "default" \| "fp16";/,
      );
      assert.match(out.stderr, /Wrote app_types\.ts \(2 apps\)/);
    } finally {
      emulator.close();
    }
  });

  it("exits 2 with the usage for bad arguments, before any request", async () => {
    const emulator = createEmulator();
    try {
      for (
        const args of [[], ["typo"], ["flux"], ["a/b", "--nope"], ["a/b", "-o"], ["a/b/c"]]
      ) {
        const { io, out } = recorder(emulator.fetch);
        assert.equal(await runTypes(args, io), 2, args.join(" "));
        assert.match(out.stderr, /Usage: inferencesh types/);
      }
      assert.equal(emulator.requests.length, 0);
      const { io, out } = recorder(emulator.fetch);
      assert.equal(await runTypes(["--help"], io), 0);
      assert.match(out.stdout, /INFERENCE_API_KEY/);
    } finally {
      emulator.close();
    }
  });

  it("exits 1 without a key, and with the API's error for an unknown app", async () => {
    const emulator = createEmulator();
    try {
      const keyless = recorder(emulator.fetch, {});
      assert.equal(await runTypes(["infsh/echo"], keyless.io), 1);
      assert.match(keyless.out.stderr, /INFERENCE_API_KEY/);
      const missing = recorder(emulator.fetch);
      assert.equal(await runTypes(["acme/missing"], missing.io), 1);
      assert.match(missing.out.stderr, /get app "acme\/missing"/);
      assert.equal(missing.out.stdout, "");
    } finally {
      emulator.close();
    }
  });
});

describe("generateAppTypes", () => {
  it("maps each JSON Schema construct to its type", () => {
    const text = generateAppTypes([app({
      type: "object",
      properties: {
        s: { type: "string" },
        i: { type: "integer" },
        b: { type: "boolean" },
        c: { const: "fixed" },
        e: { enum: ["a", 1, null] },
        t: { type: ["string", "null"] },
        o: { oneOf: [{ type: "string" }, { type: "number" }] },
        a: { allOf: [{ $ref: "#/definitions/Point" }] },
        tuple: { type: "array", prefixItems: [{ type: "number" }, { type: "string" }] },
        list: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] } },
        any: {},
        closed: { type: "object", additionalProperties: false },
        open: { type: "object" },
        "needs-quotes": { type: "string" },
        file: { type: "string", format: "audio" },
        uri: { type: "string", format: "uri" },
        legacy: { type: "integer", nullable: true, deprecated: true },
      },
      required: ["s", "i"],
      definitions: {
        Point: {
          type: "object",
          properties: { x: { type: "number" }, next: { $ref: "#/definitions/Point" } },
          required: ["x"],
        },
      },
    })]);
    assert.equal(
      inputBody(text),
      [
        "s: string;",
        "i: number;",
        "b?: boolean | undefined;",
        'c?: "fixed" | undefined;',
        'e?: "a" | 1 | null | undefined;',
        "t?: string | null | undefined;",
        "o?: string | number | undefined;",
        "a?: AcmeTPoint | undefined;",
        "tuple?: [number, string] | undefined;",
        "list?: (string | null)[] | undefined;",
        "any?: unknown | undefined;",
        "closed?: Record<string, never> | undefined;",
        "open?: Record<string, unknown> | undefined;",
        '"needs-quotes"?: string | undefined;',
        "file?: Blob | string | undefined;",
        "uri?: string | undefined;",
        "legacy?: number | null | undefined;",
      ].join("\n  "),
    );
    assert.match(text, /\/\*\* @deprecated \*\/\n {2}legacy\?/);
    // A recursive definition refers to itself by name.
    assert.match(text, /export interface AcmeTPoint \{[\s\S]*?next\?: AcmeTPoint \| undefined;/);
  });

  it("types files as Blob or URI in inputs and as URIs in outputs", () => {
    const file = { type: "string", format: "image" };
    const text = generateAppTypes([app(
      { type: "object", properties: { image: file }, required: ["image"] },
      { type: "object", properties: { image: file }, required: ["image"] },
    )]);
    assert.match(
      text,
      /export interface AcmeTInput \{\n {2}\/\*\* @format image \*\/\n {2}image: Blob \| string;/,
    );
    assert.match(
      text,
      /export interface AcmeTOutput \{\n {2}\/\*\* @format image \*\/\n {2}image: string;/,
    );
  });

  it("keeps a schema that is not an object, and an app without a version", () => {
    const text = generateAppTypes([
      app({ type: "string", description: "A bare prompt." }),
      { id: "app_2", namespace: "acme", name: "bare" },
    ]);
    assert.match(
      text,
      /\/\*\*\n \* Input of `acme\/t`\.\n \* A bare prompt\.\n \*\/\nexport type AcmeTInput = string;/,
    );
    assert.match(text, /export type AcmeBareInput = unknown;/);
    assert.match(
      text,
      /"acme\/bare": \{\n\s+input: AcmeBareInput;\n\s+output: AcmeBareOutput;\n\s+\};/,
    );
  });

  it("gives apps whose names collide distinct type names", () => {
    const a = { ...app({ type: "object", properties: {} }), namespace: "a-b", name: "c" };
    const b = { ...app({ type: "object", properties: {} }), namespace: "a", name: "b-c" };
    const text = generateAppTypes([a, b]);
    assert.match(text, /export type ABCInput = Record<string, unknown>;/);
    assert.match(text, /export type ABCInput2 = Record<string, unknown>;/);
  });
});
