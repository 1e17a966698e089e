// Runs the edge-runtime bundle of the matrix in Vercel's edge-runtime VM, hosted
// by the Node running this script:  node edge_run.mjs <bundle.js> <base url>
// The VM gets `process.env` as Vercel's Edge runtime provides it.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import process from "node:process";

// From the pinned tools (tools/node_modules), not from the matrix's install.
const { EdgeRuntime } = createRequire(new URL("./tools/", import.meta.url))("edge-runtime");

const [bundle, base] = process.argv.slice(2);
const env = { INFERENCE_API_KEY: "inf_matrix_key", INFERENCE_BASE_URL: base };
const runtime = new EdgeRuntime({
  initialCode: await readFile(bundle, "utf8"),
  extend: (context) => Object.assign(context, { process: { env } }),
});
const json = await runtime.evaluate(`__matrix(${JSON.stringify(base)})`);
// deno-lint-ignore no-console
console.log(`MATRIX_RESULT ${json}`);
