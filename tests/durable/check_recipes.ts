/// <reference lib="deno.ns" />
/**
 * Type-checks the recipes of docs/durable.md against each engine's own
 * published types: every ```ts block (not ```ts ignore) becomes a file,
 * checked by tsc (strict) with `@inferencesh/sdk` resolved to the package
 * npm users get (built by scripts/build.ts into dist/npm). The engines' packages are installed from npm into
 * dist/recipes/ (with --ignore-scripts: only their types are needed).
 *
 * ```sh
 * deno task check:recipes
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { build } from "../../scripts/build.ts";
import { DIST, ensureTools, output, ROOT } from "../../scripts/tools.ts";

const WORK = `${ROOT}/dist/recipes`;

/** The engines' packages, pinned (docs/durable.md names these versions). */
const PACKAGES: Record<string, string> = {
  "@cloudflare/workers-types": "5.20261117.1",
  "workflow": "4.8.9",
  "inngest": "4.24.0",
  "@trigger.dev/sdk": "4.8.3",
  "@temporalio/activity": "1.24.0",
  "@temporalio/client": "1.24.0",
  "@restatedev/restate-sdk": "1.17.2",
  "@restatedev/restate-sdk-clients": "1.17.2",
  "@types/node": "22.19.1",
};

/** The ```ts blocks of a markdown file, with the heading above each. */
export function recipeBlocks(markdown: string): { heading: string; code: string }[] {
  const blocks: { heading: string; code: string }[] = [];
  let heading = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#")) heading = line.replace(/^#+\s*/, "");
    if (line.trim() === "```ts") {
      const code: string[] = [];
      for (i++; i < lines.length && lines[i]!.trim() !== "```"; i++) code.push(lines[i]!);
      blocks.push({ heading, code: code.join("\n") + "\n" });
    }
  }
  return blocks;
}

function tsconfig(file: string, cloudflare: boolean): unknown {
  return {
    compilerOptions: {
      target: "es2022",
      module: "esnext",
      moduleResolution: "bundler",
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      lib: cloudflare ? ["es2023", "esnext.disposable"] : [
        "es2023",
        "esnext.disposable",
        "dom",
        "dom.iterable",
        "dom.asynciterable",
      ],
      types: cloudflare ? ["@cloudflare/workers-types"] : ["node"],
      paths: { "@inferencesh/sdk": [`${DIST}/npm/mod.d.ts`] },
    },
    files: [file],
  };
}

async function install(): Promise<void> {
  const manifest = JSON.stringify(
    { private: true, type: "module", devDependencies: PACKAGES },
    null,
    2,
  );
  const stamp = await Deno.readTextFile(`${WORK}/node_modules/.recipes-stamp`).catch(() => "");
  if (stamp === manifest) return;
  await Deno.mkdir(WORK, { recursive: true });
  await Deno.writeTextFile(`${WORK}/package.json`, manifest);
  console.error("Installing the engines' packages into dist/recipes (npm, --ignore-scripts)…");
  await output("npm", [
    "install",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
  ], WORK);
  await Deno.writeTextFile(`${WORK}/node_modules/.recipes-stamp`, manifest);
}

if (import.meta.main) {
  const tools = await ensureTools();
  await build(tools);
  await install();
  const blocks = recipeBlocks(await Deno.readTextFile(`${ROOT}/docs/durable.md`));
  await Deno.mkdir(`${WORK}/src`, { recursive: true });
  let failed = 0;
  for (const [index, block] of blocks.entries()) {
    const name = `recipe_${index + 1}`;
    const file = `${WORK}/src/${name}.ts`;
    await Deno.writeTextFile(file, block.code);
    const config = `${WORK}/tsconfig.${name}.json`;
    const cloudflare = block.code.includes(`"cloudflare:workers"`);
    await Deno.writeTextFile(config, JSON.stringify(tsconfig(file, cloudflare), null, 2));
    const result = await new Deno.Command("node", {
      args: [tools.tsc, "-p", config],
      cwd: WORK,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
    if (result.code === 0) {
      console.log(`PASS  ${block.heading}`);
    } else {
      failed++;
      console.log(`FAIL  ${block.heading}\n${text.trim()}`);
    }
  }
  console.log(`${blocks.length - failed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
