/// <reference lib="deno.ns" />
// Reading INFERENCE_API_KEY never makes Deno ask for a permission: in a
// terminal, `deno run` without --allow-env would stop at a y/n prompt (a
// proxy's request hanging on it). The key is read only where the permission
// is already granted, as if unset otherwise.
import { it } from "node:test";
import assert from "node:assert/strict";
import { hasDeno } from "../_loopback.ts";

const MAIN = new URL("./_no_env_main.ts", import.meta.url).pathname;

/** `script` gives the child a terminal, the only place where Deno prompts. */
async function hasScript(): Promise<boolean> {
  try {
    return (await new Deno.Command("script", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output()).success;
  } catch {
    return false;
  }
}

it(
  "the proxy and the client read no key, and prompt for none, in a terminal without --allow-env",
  { skip: !hasDeno || !(await hasScript()) },
  async () => {
    const command = `'${Deno.execPath()}' run --no-lock '${MAIN}'`;
    const child = new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      env: { NO_COLOR: "1", INFERENCE_API_KEY: "inf_not_allowed_to_read" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Read until the child's answer or a prompt: a prompt waits for input forever.
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      if (/DONE .*\n|requests env access/.test(text)) break;
    }
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.stdin.close().catch(() => {});
    await child.stderr.cancel();
    await child.status;
    assert.doesNotMatch(text, /requests env access/);
    assert.match(text, /DONE proxy 500 missing_api_key client refused/);
  },
);
