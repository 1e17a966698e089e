/// <reference lib="deno.ns" />
/**
 * Lists the exports of the package's entry points (deno.json `exports`) whose
 * documentation has no `@example`, and exits 1 if there is any: JSR shows
 * examples on every symbol's page, and `deno doc --lint` does not ask for them.
 *
 * ```sh
 * deno task doc:examples
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { output, ROOT } from "./tools.ts";

interface DocTag {
  kind: string;
}

interface DocSymbol {
  name: string;
  declarations: { kind?: string; jsDoc?: { tags?: DocTag[] } }[];
}

/** Names of the symbols exported by each entry point that have no `@example`. */
export async function missingExamples(): Promise<Record<string, string[]>> {
  const deno = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const entries = Object.values(deno.exports as Record<string, string>);
  const json = JSON.parse(await output(Deno.execPath(), ["doc", "--json", ...entries]));
  const missing: Record<string, string[]> = {};
  for (
    const [url, module] of Object.entries(json.nodes as Record<string, { symbols: DocSymbol[] }>)
  ) {
    const names = module.symbols
      .filter((symbol) =>
        // A re-export is documented where it is declared.
        !symbol.declarations.some((d) => d.kind === "reference") &&
        !symbol.declarations.some((d) => d.jsDoc?.tags?.some((tag) => tag.kind === "example"))
      )
      .map((symbol) => symbol.name);
    if (names.length > 0) missing[url.slice(`file://${ROOT}/`.length)] = names;
  }
  return missing;
}

if (import.meta.main) {
  const missing = await missingExamples();
  for (const [entry, names] of Object.entries(missing)) {
    console.log(`${entry}: ${names.length} exports without @example: ${names.join(", ")}`);
  }
  if (Object.keys(missing).length > 0) Deno.exit(1);
  console.log("every export of every entry point has an @example");
}
