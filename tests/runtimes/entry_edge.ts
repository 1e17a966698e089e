/**
 * The matrix entry for Vercel's edge-runtime, bundled as a classic script:
 * defines `__matrix(base)`, which runs the scenarios and then the Vercel Edge
 * example's routes, and resolves with the report as JSON (a string, so that no
 * object crosses the VM's realm boundary).
 *
 * @module
 */

import { checkProxyRoute, checkRunRoute } from "./example_checks.ts";
import { type Outcome, runScenarios } from "./scenarios.ts";

async function example(): Promise<Outcome> {
  try {
    // Imported late, so that the import check sees the package load first.
    const run = await import("../../examples/vercel-edge/app/api/run/route.ts");
    const proxy = await import("../../examples/vercel-edge/app/api/inference/proxy/route.ts");
    const notes = [
      await checkRunRoute(run.GET, "http://edge.local/api/run"),
      await checkProxyRoute(proxy.POST, "http://edge.local/api/inference/proxy"),
    ];
    return { name: "example", ok: true, detail: notes.join(", ") };
  } catch (error) {
    return { name: "example", ok: false, detail: String(error) };
  }
}

(globalThis as { __matrix?: (base: string) => Promise<string> }).__matrix = async (base) => {
  const report = await runScenarios(base);
  report.outcomes.push(await example());
  return JSON.stringify(report);
};
