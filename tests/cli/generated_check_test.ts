/// <reference lib="deno.ns" />
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno } from "../_loopback.ts";
import { type CliIo, runTypes } from "../../src/cli/types_command.ts";
import { createEmulator } from "../../src/testing/mod.ts";

const MOD = new URL("../../mod.ts", import.meta.url).href;
const BUILT_IN = [
  "infsh/counter",
  "infsh/echo",
  "infsh/fail",
  "infsh/file-info",
  "infsh/image",
  "infsh/needs-secret",
  "infsh/sleep",
  "infsh/text-stream",
];

describe("what the types command writes", { skip: !hasDeno }, () => {
  it("type-checks for every built-in app of the emulator and for schemas without properties", async () => {
    const emulator = createEmulator({
      apps: [{
        name: "acme/open",
        schema: {
          input: { type: "object", additionalProperties: true },
          output: { type: "object", properties: {} },
        },
        run: (input) => input,
      }],
    });
    let text = "";
    const io: CliIo = {
      env: (name) => name === "INFERENCE_API_KEY" ? "inf_test_key_0123456789" : undefined,
      stdout: (chunk) => text += chunk,
      stderr: () => {},
      writeFile: () => Promise.resolve(),
      fetch: emulator.fetch,
    };
    try {
      assert.equal(await runTypes([...BUILT_IN, "acme/open", `--module=${MOD}`], io), 0);
    } finally {
      emulator.close();
    }
    // Deno type-checks a module read from stdin only under `run --check`; running it does nothing.
    // Used, so that the registry is read: an input the registered schema allows.
    const usage = [
      `import { inference } from "${MOD}";`,
      `const client = inference({ apiKey: "k", fetch: () => Promise.reject(new Error("offline")) });`,
      `export const run = () => client.tasks.run({ app: "acme/open", input: { any: 1 } });`,
    ].join("\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--check", "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`${text}\n${usage}\n`));
    await writer.close();
    const output = await child.output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr) + text);
  });
});
