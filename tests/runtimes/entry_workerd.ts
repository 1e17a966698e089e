/**
 * The matrix entry for workerd, run with `workerd test`: the scenarios, then
 * the Cloudflare Worker example's handler. The base URL comes in as the `BASE`
 * binding; the report goes to stdout on one `MATRIX_RESULT` line.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { checkProxyRoute, checkRunRoute } from "./example_checks.ts";
import { type Outcome, RESULT_MARK, runScenarios } from "./scenarios.ts";

export default {
  async test(_controller: unknown, env: { BASE: string }): Promise<void> {
    const report = await runScenarios(env.BASE);
    report.outcomes.push(await example(env.BASE));
    console.log(RESULT_MARK + JSON.stringify(report));
  },
};

async function example(base: string): Promise<Outcome> {
  try {
    // Imported late, so that the import check above sees the package load first.
    const { default: worker } = await import("../../examples/cloudflare-worker/src/index.ts");
    const env = { INFERENCE_API_KEY: "inf_matrix_key", INFERENCE_BASE_URL: base };
    const handler = (request: Request) => worker.fetch(request, env);
    const notes = [
      await checkRunRoute(handler, "http://worker.local/run"),
      await checkProxyRoute(handler, "http://worker.local/api/inference/proxy"),
    ];
    return { name: "example", ok: true, detail: notes.join(", ") };
  } catch (error) {
    return { name: "example", ok: false, detail: String(error) };
  }
}
