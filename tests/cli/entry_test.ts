/// <reference lib="deno.ns" />
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno, served } from "../_loopback.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;

describe("the cli entry script", { skip: !hasDeno }, () => {
  it("runs under deno run: reads the app over HTTP and prints its types", async () => {
    await served({}, async (_emulator, base) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net=127.0.0.1",
          "--allow-env",
          MAIN,
          "types",
          "infsh/image",
          "--base-url",
          base,
        ],
        env: { INFERENCE_API_KEY: "inf_test_key_0123456789", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, stderr);
      const stdout = new TextDecoder().decode(output.stdout);
      assert.match(stdout, /export interface InfshImageInput \{/);
      assert.match(stdout, /width\?: number \| undefined;/);
      assert.match(stdout, /"infsh\/image": \{/);
    });
  });

  it("exits 2 for a bad command, and does nothing when imported", async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-env", MAIN, "nope"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 2);
    assert.match(new TextDecoder().decode(output.stderr), /unknown command "nope"/);
    const imported = await import("../../src/cli/main.ts");
    assert.equal(typeof imported.COMMANDS["types"]?.run, "function");
  });
});
