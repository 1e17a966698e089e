/// <reference lib="deno.ns" />
/**
 * Size and start-up of the npm package: min+gzip size of apps bundled by
 * esbuild from the packed package (installed by name, as users get it), and the
 * cold import time of the package on Deno, Bun and Node.
 *
 * @module
 */

import { gzipSync } from "node:zlib";
import { build } from "../scripts/build.ts";
import { DIST, ensureTools, output } from "../scripts/tools.ts";
import type { BenchRow } from "./table.ts";

const BENCH = `${DIST}/bench`;

/** The apps measured: name, source, note. */
const APPS: [string, string, string][] = [
  [
    "(a) app that runs a task and streams status (`./tasks`)",
    `import { inference } from "@inferencesh/sdk/tasks";
export function main(apiKey, prompt) {
  return inference({ apiKey }).tasks.run(
    { app: "infsh/text-stream", input: { prompt } },
    { onUpdate: (task) => console.log(task.status) },
  );
}`,
    "target < 8 KB; leanest peer 7.2 KB, official SDK 13.2 KB",
  ],
  [
    "(a′) the same app with the full client (`.`)",
    `import { inference } from "@inferencesh/sdk";
export function main(apiKey, prompt) {
  return inference({ apiKey }).tasks.run(
    { app: "infsh/text-stream", input: { prompt } },
    { onUpdate: (task) => console.log(task.status) },
  );
}`,
    "the full client always carries files, sessions and agents",
  ],
  ["(b) whole SDK (every export of `.`)", `export * from "@inferencesh/sdk";`, ""],
  ["proxy (`./proxy`)", `export * from "@inferencesh/sdk/proxy";`, "for the server side"],
  ["emulator (`./testing`)", `export * from "@inferencesh/sdk/testing";`, "tests only"],
  [
    "import only, nothing used",
    `import "@inferencesh/sdk"; import "@inferencesh/sdk/proxy";`,
    "0 B: nothing runs at import",
  ],
];

const kb = (bytes: number) => bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Medians of `runs` in-process timings (ms) in fresh processes: importing an
 * empty local module (the loader's own cost, the baseline), then the package.
 */
async function importTime(cmd: string, args: string[], runs = 5): Promise<[number, number]> {
  const empty: number[] = [];
  const sdk: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [a, b] = (await output(cmd, args, BENCH)).trim().split(" ").map(Number);
    empty.push(a!);
    sdk.push(b!);
  }
  return [median(empty), median(sdk)];
}

const IMPORT_SNIPPET = `const t0 = performance.now(); await import("./empty.mjs");
const t1 = performance.now(); await import("@inferencesh/sdk");
console.log(t1 - t0, performance.now() - t1);`;

/** How every app is bundled: as a browser or Worker build would, minified. */
const BUNDLE_FLAGS = [
  "--bundle",
  "--minify",
  "--format=esm",
  "--platform=browser",
  "--target=es2022",
  "--log-level=warning",
];

/**
 * What takes the space in app (a): the bundle's modules by their minified
 * bytes (esbuild's metafile), largest first, as shares of the whole.
 */
async function breakdown(esbuild: string, entry: string, total: number): Promise<BenchRow> {
  const metafile = `${entry}.meta.json`;
  await output(esbuild, [
    entry,
    ...BUNDLE_FLAGS,
    `--metafile=${metafile}`,
    `--outfile=${entry}.bundle.js`,
  ], BENCH);
  const meta = JSON.parse(await Deno.readTextFile(metafile)) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const modules = Object.values(meta.outputs).flatMap((out) => Object.entries(out.inputs))
    .map(([path, { bytesInOutput }]) =>
      [path.replace(/^.*@inferencesh\/sdk\//, ""), bytesInOutput] as const
    )
    .sort((a, b) => b[1] - a[1]);
  const top = modules.slice(0, 10).map(([path, size]) =>
    `${path.replace(/^src\//, "").replace(/\.js$/, "")} ${Math.round((size / total) * 100)}%`
  );
  return {
    name: "size: (a) by module",
    value: `${modules.length} modules`,
    note: `share of the minified bytes: ${top.join(", ")}`,
  };
}

/** Bundles each app with esbuild from the installed package and times imports per runtime. */
export async function benchSize(): Promise<BenchRow[]> {
  const tools = await ensureTools();
  const built = await build(tools);
  await Deno.remove(BENCH, { recursive: true }).catch(() => {});
  await Deno.mkdir(BENCH, { recursive: true });
  await Deno.writeTextFile(
    `${BENCH}/package.json`,
    JSON.stringify({
      private: true,
      type: "module",
      dependencies: { [built.name]: `file:${built.tarball}` },
    }),
  );
  await Deno.writeTextFile(`${BENCH}/deno.json`, JSON.stringify({ nodeModulesDir: "manual" }));
  await Deno.writeTextFile(`${BENCH}/empty.mjs`, "export {};\n");
  await output("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], BENCH);

  const rows: BenchRow[] = [];
  for (const [index, [name, source, note]] of APPS.entries()) {
    const entry = `${BENCH}/app${index}.mjs`;
    await Deno.writeTextFile(entry, source);
    const bundled = await output(tools.esbuild, [entry, ...BUNDLE_FLAGS], BENCH);
    const bytes = new TextEncoder().encode(bundled);
    const gzip = bytes.length === 0 ? 0 : gzipSync(bytes, { level: 9 }).length;
    rows.push({
      name: `size: ${name}`,
      value: `${kb(gzip)} min+gzip`,
      note: `${kb(bytes.length)} minified${note ? `; ${note}` : ""}`,
    });
    if (index === 0) rows.push(await breakdown(tools.esbuild, entry, bytes.length));
  }

  const runtimes: [string, string | undefined, string[]][] = [
    ["Deno", Deno.execPath(), ["eval", IMPORT_SNIPPET]],
    ["Bun", tools.bun, ["-e", IMPORT_SNIPPET]],
    ["Node 20", tools.node20, ["--input-type=module", "-e", IMPORT_SNIPPET]],
    ["Node 22", tools.node22, ["--input-type=module", "-e", IMPORT_SNIPPET]],
    ["Node 24", tools.node24, ["--input-type=module", "-e", IMPORT_SNIPPET]],
    ["Node 26", tools.node26, ["--input-type=module", "-e", IMPORT_SNIPPET]],
  ];
  for (const [name, cmd, args] of runtimes) {
    if (!cmd) continue;
    const version = (await output(cmd, ["--version"])).trim().split("\n")[0]!.replace(/^v/, "");
    const [baseline, ms] = await importTime(cmd, args);
    rows.push({
      name: `cold import: ${name} ${version.replace(/^deno /, "").replace(/ \(.*$/, "")}`,
      value: `${ms.toFixed(1)} ms`,
      note: `npm package, fresh process, median of 5; an empty module: ${baseline.toFixed(1)} ms`,
    });
  }
  return rows;
}
