/// <reference lib="deno.ns" />
/**
 * Builds the npm package: plain ESM JavaScript with `.d.ts` files and explicit
 * `.js` specifiers in `dist/npm/` (entry points as in deno.json, and the `inferencesh`
 * bin), a `package.json` for it, and the tarball `npm pack` makes of it
 * in `dist/`.
 *
 * ```sh
 * deno task build       # prints the tarball's path
 * ```
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { DIST, ensureTools, output, ROOT, run, type Tools } from "./tools.ts";

/** What {@linkcode build} produced. */
export interface Built {
  /** The package directory, `dist/npm`. */
  packageDir: string;
  /** The packed tarball, `dist/inferencesh-sdk-<version>.tgz`. */
  tarball: string;
  /** The package's name and version, from deno.json. */
  name: string;
  version: string;
}

interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
}

/** The repository every link of the package leads to (README links use it too). */
export const REPOSITORY = "https://github.com/inference-sh/sdk-js";

/** The oldest Node the package supports: `require()` of ESM works from 20.19 on. */
export const NODE_ENGINES = ">=20.19";

/** The npm bin: `npx @inferencesh/sdk emulator --port 8787` runs it. */
const BIN = `#!/usr/bin/env node
// The inferencesh command line (src/cli/main.ts): "inferencesh --help" lists its commands.
import { main } from "./src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
`;

/** `./src/proxy/mod.ts` → `./src/proxy/mod` */
const stem = (path: string) => path.replace(/\.ts$/, "");

/** Rewrites relative `.ts` specifiers to `.js` (tsc keeps them in declarations). */
export function rewriteSpecifiers(source: string): string {
  return source.replace(
    /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g,
    (_match, head: string, path: string, quote: string) => `${head}${path}.js${quote}`,
  );
}

/**
 * Makes tsc's declarations compile for every consumer the package supports:
 * TypeScript 5.4 and later, with DOM types or without them (a Node project with
 * `@types/node`), `skipLibCheck: false`. Deno's TypeScript writes what 5.7+ reads:
 *
 * - `Uint8Array<ArrayBuffer>`: typed arrays are generic only from TypeScript 5.7
 *   on (TS2315 before). `ReturnType<Uint8Array["slice"]>` is that type from 5.7
 *   on and plain `Uint8Array` before.
 * - `BodyInit`, `RequestInfo`, `ReadableStreamReadResult`, `SubtleCrypto`, `CryptoKey`:
 *   DOM names that `@types/node` does not declare as global types; spelled
 *   through `RequestInit`, `Request`, `ReadableStreamDefaultReader` and `crypto`,
 *   which both declare.
 * - `Symbol.asyncDispose`, `AsyncDisposable` (a `Session` ends with `await using`):
 *   a library reference to `esnext.disposable` (TypeScript 5.2+), as `@types/node`
 *   itself has, so a project whose `lib` stops at ES2022 compiles too.
 */
export function portableDeclarations(source: string): string {
  let text = source
    .replaceAll("Uint8Array<ArrayBuffer>", 'ReturnType<Uint8Array["slice"]>')
    .replace(/\bBodyInit\b/g, 'NonNullable<RequestInit["body"]>')
    .replace(/\bRequestInfo\b/g, "(Request | string)")
    .replace(
      /\bReadableStreamReadResult<(\w+)>/g,
      'Awaited<ReturnType<ReadableStreamDefaultReader<$1>["read"]>>',
    )
    .replace(/\bSubtleCrypto\b/g, "typeof crypto.subtle")
    .replace(/\bCryptoKey\b/g, "Awaited<ReturnType<typeof crypto.subtle.importKey>>");
  if (/\bAsyncDisposable\b|Symbol\.asyncDispose/.test(text)) {
    text = `/// <reference lib="esnext.disposable" />\n${text}`;
  }
  return text;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

/** Builds `dist/npm` and packs it; returns where everything is. */
export async function build(tools?: Tools): Promise<Built> {
  tools ??= await ensureTools();
  const deno: DenoJson = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const packageDir = `${DIST}/npm`;
  await Deno.remove(packageDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(packageDir, { recursive: true });

  // tsc type-checks again with a narrower library than Deno's (no deno.ns, ES2023),
  // emits ES2022, and rewrites `.ts` specifiers to `.js` in the code.
  const entries = Object.values(deno.exports).map((path) => `${ROOT}/${path.slice(2)}`);
  const tsconfig = {
    compilerOptions: {
      target: "es2022",
      module: "esnext",
      moduleResolution: "bundler",
      rewriteRelativeImportExtensions: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      declaration: true,
      strict: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      noUncheckedIndexedAccess: true,
      lib: ["es2023", "esnext.disposable", "dom", "dom.iterable", "dom.asynciterable"],
      types: [],
      skipLibCheck: true,
      rootDir: ROOT,
      outDir: packageDir,
      newLine: "lf",
    },
    files: entries,
  };
  const tsconfigPath = `${DIST}/tsconfig.build.json`;
  await Deno.writeTextFile(tsconfigPath, JSON.stringify(tsconfig, null, 2));
  await run("node", [tools.tsc, "-p", tsconfigPath]);

  for await (const path of walk(packageDir)) {
    if (!path.endsWith(".js") && !path.endsWith(".d.ts")) continue;
    const source = await Deno.readTextFile(path);
    let rewritten = rewriteSpecifiers(source);
    if (path.endsWith(".d.ts")) rewritten = portableDeclarations(rewritten);
    if (rewritten !== source) await Deno.writeTextFile(path, rewritten);
    if (
      path.endsWith(".js") && /\bDeno\./.test(rewritten.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""))
    ) {
      throw new Error(`${path} uses Deno APIs: the package must run on every runtime`);
    }
  }

  const exports: Record<string, { types: string; default: string }> = {};
  for (const [name, path] of Object.entries(deno.exports)) {
    exports[name] = { types: `${stem(path)}.d.ts`, default: `${stem(path)}.js` };
  }
  const packageJson = {
    name: deno.name,
    version: deno.version,
    description:
      "TypeScript client for inference.sh: run AI apps and agents, follow them live. Web standards only, zero dependencies.",
    license: deno.license,
    type: "module",
    sideEffects: false,
    exports,
    main: exports["."]!.default,
    types: exports["."]!.types,
    bin: { inferencesh: "./bin.js" },
    engines: { node: NODE_ENGINES },
    repository: { type: "git", url: `git+${REPOSITORY}.git` },
    homepage: `${REPOSITORY}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    keywords: [
      "inference.sh",
      "inference",
      "ai",
      "llm",
      "agents",
      "sdk",
      "emulator",
      "deno",
      "bun",
      "cloudflare-workers",
      "edge",
      "web-standards",
    ],
  };
  await Deno.writeTextFile(`${packageDir}/bin.js`, BIN);
  await Deno.chmod(`${packageDir}/bin.js`, 0o755);
  await Deno.writeTextFile(
    `${packageDir}/package.json`,
    JSON.stringify(packageJson, null, 2) + "\n",
  );
  for (const doc of ["README.md", "CHANGELOG.md", "MIGRATING.md"]) {
    await Deno.copyFile(`${ROOT}/${doc}`, `${packageDir}/${doc}`);
  }
  await Deno.copyFile(`${ROOT}/LICENSE`, `${packageDir}/LICENSE`);

  const packed = JSON.parse(
    await output("npm", ["pack", "--json", "--pack-destination", DIST], packageDir),
  ) as { filename: string }[];
  return {
    packageDir,
    tarball: `${DIST}/${packed[0]!.filename}`,
    name: deno.name,
    version: deno.version,
  };
}

if (import.meta.main) {
  const built = await build();
  console.log(built.tarball);
}
