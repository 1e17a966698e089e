/// <reference lib="deno.ns" />
/**
 * Conformance beyond one witness: the official Python SDK (`inferencesh`) against
 * the emulator on a loopback socket, running tests/conformance/python_witness.py
 * (a task, a session learned from the last stream line, a failure, an agent turn
 * with a client tool).
 *
 * ```sh
 * deno task conformance:py                                   # an installed `inferencesh`
 * INFERENCESH_PY_SRC=~/sdk-py/src deno task conformance:py   # or a source checkout
 * ```
 *
 * Where Python or the SDK is missing it says so and exits 0 (it is not part of
 * the gate: the SDK comes from PyPI, which the build machine may not reach). A
 * source checkout needs its dependencies (pydantic, requests) importable; `tqdm`
 * (progress bars only) is stubbed when absent.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { createEmulator } from "../../src/testing/mod.ts";

const WITNESS = new URL("./python_witness.py", import.meta.url).pathname;

/** Longest the whole witness may take; a scenario that hangs is a failure. */
const TIMEOUT_MS = 60_000;

async function python(
  args: string[],
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<Deno.CommandOutput> {
  const options: Deno.CommandOptions = { args, env, stdout: "piped", stderr: "piped" };
  if (signal) options.signal = signal;
  return await new Deno.Command("python3", options).output();
}

/** PYTHONPATH entries for a source checkout: the checkout, and stubs for what it lacks. */
async function sourceCheckoutPath(src: string): Promise<string> {
  const stubs = await Deno.makeTempDir({ prefix: "inferencesh-py-" });
  // The package reads its version from installed metadata; a checkout has none.
  await Deno.mkdir(`${stubs}/inferencesh-0.0.0.dist-info`);
  await Deno.writeTextFile(
    `${stubs}/inferencesh-0.0.0.dist-info/METADATA`,
    "Metadata-Version: 2.1\nName: inferencesh\nVersion: 0.0.0\n",
  );
  const hasTqdm = (await python(["-c", "import tqdm"], {})).success;
  if (!hasTqdm) {
    await Deno.mkdir(`${stubs}/tqdm`);
    await Deno.writeTextFile(
      `${stubs}/tqdm/__init__.py`,
      "class tqdm:\n    def __init__(self, *a, **k): pass\n    def update(self, *a, **k): pass\n" +
        "    def close(self): pass\n    def __enter__(self): return self\n" +
        "    def __exit__(self, *a): pass\n",
    );
  }
  return `${src}:${stubs}`;
}

async function main(): Promise<number> {
  const src = Deno.env.get("INFERENCESH_PY_SRC");
  const env: Record<string, string> = src ? { PYTHONPATH: await sourceCheckoutPath(src) } : {};
  let probe: Deno.CommandOutput;
  try {
    probe = await python(["-c", "import inferencesh"], env);
  } catch (error) {
    console.log(`python conformance: skipped (no python3: ${(error as Error).message})`);
    return 0;
  }
  if (!probe.success) {
    const reason = new TextDecoder().decode(probe.stderr).trim().split("\n").at(-1);
    console.log(`python conformance: skipped (cannot import inferencesh: ${reason})`);
    return 0;
  }
  const emulator = createEmulator({ stepMs: 5, heartbeatMs: 1_000 });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    emulator.handler,
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const run = await python([WITNESS, base], env, AbortSignal.timeout(TIMEOUT_MS));
    const lines = new TextDecoder().decode(run.stdout).trim().split("\n").filter(Boolean);
    const results = lines.map((line) =>
      JSON.parse(line) as { name: string; ok: boolean; detail: string }
    );
    console.log("\n### Official Python SDK against the emulator\n");
    console.log("| scenario | result | detail |\n| --- | --- | --- |");
    for (const { name, ok, detail } of results) {
      console.log(`| ${name} | ${ok ? "pass" : "FAIL"} | ${detail.replaceAll("|", "\\|")} |`);
    }
    const failed = results.filter((result) => !result.ok).length;
    if (!run.success || results.length === 0) {
      const why = run.signal ? `killed after ${TIMEOUT_MS / 1000} s (a scenario hung)` : "crashed";
      console.log(`\npython conformance: ${results.length} reported, then the witness ${why}`);
      console.log(new TextDecoder().decode(run.stderr));
      return 1;
    }
    console.log(`\npython conformance: ${results.length - failed} pass, ${failed} fail`);
    if (failed > 0) console.log(new TextDecoder().decode(run.stderr));
    return failed > 0 ? 1 : 0;
  } finally {
    emulator.close();
    await server.shutdown();
  }
}

Deno.exit(await main());
