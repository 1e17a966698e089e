// Run by env_prompt_test.ts in a terminal, without --allow-env: a proxy and a
// client with no key, then one line saying what each did.
// deno-lint-ignore-file no-console
import { createProxy } from "../../src/proxy/mod.ts";
import { inference } from "../../mod.ts";

const proxy = createProxy({ fetch: () => Promise.resolve(Response.json({})) });
const response = await proxy(
  new Request("https://app.example/api/inference/proxy", {
    headers: { "x-inf-target-url": "https://api.inference.sh/tasks/01j9z3m8k2c9v7b4n6q5r0t1wx" },
  }),
);
let client = "created";
try {
  inference({});
} catch {
  client = "refused";
}
console.log(`DONE proxy ${response.status} ${(await response.json()).code} client ${client}`);
