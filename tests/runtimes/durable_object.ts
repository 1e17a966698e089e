/// <reference lib="deno.ns" />
/**
 * The Durable Object cases of the runtime matrix: examples/durable-object run
 * in workerd (from npm) against an emulator served on 127.0.0.1, with its
 * objects stored on local disk (`durableObjectStorage = (localDisk = …)`).
 *
 * - `restart`: an object starts a long task, stores its handle and sets an
 *   alarm; the alarm is waiting on the task when workerd is killed (SIGKILL);
 *   the task ends while workerd is down; workerd starts again on the same
 *   storage, the alarm re-attaches with the stored handle, and the result is
 *   recorded exactly once.
 * - `fanout`: one object runs 200 tasks, at most 5 at once; workerd is killed
 *   once about a third are recorded, and started again; every task ends
 *   recorded exactly once, and no more than 5 ran at once (plus a task started
 *   again because the kill came between its start and the write of its handle).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env tests/runtimes/durable_object.ts
 * ```
 *
 * Prints one line per case and a `MATRIX_RESULT {...}` line; exits 1 when a
 * case fails.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import type { AppContext } from "../../src/testing/mod.ts";
import { createEmulator, type Emulator } from "../../src/testing/mod.ts";
import { ensureTools, output, ROOT } from "../../scripts/tools.ts";

const KEY = "inf_durable_key";
const WORK = `${ROOT}/dist/durable-object`;
const FANOUT_JOBS = 200;
const FANOUT_CONCURRENCY = 5;
/** The longest any one wait for the worker may take. */
const PATIENCE_MS = 60_000;

interface Outcome {
  name: string;
  ok: boolean;
  detail: string;
}

/** A task that runs until the test opens its gate. */
function gatedApp() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    definition: {
      name: "test/gated",
      async run(input: unknown, context: AppContext): Promise<unknown> {
        await Promise.race([
          opened,
          new Promise((_, reject) =>
            context.signal.addEventListener("abort", () => reject(context.signal.reason))
          ),
        ]);
        return { echoed: input, finished: true };
      },
    },
    open: () => open(),
  };
}

/** An echo that counts how many of its tasks run at once. */
function countingApp() {
  let running = 0;
  const stats = { max: 0, runs: 0 };
  return {
    definition: {
      name: "test/counted",
      async run(input: unknown, context: AppContext): Promise<unknown> {
        running++;
        stats.runs++;
        stats.max = Math.max(stats.max, running);
        try {
          await context.sleep(20);
          return input;
        } finally {
          running--;
        }
      },
    },
    stats,
  };
}

function capnp(port: number, storage: string, base: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "local"])),
    (name = "storage", disk = (path = ${JSON.stringify(storage)}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "INFERENCE_API_KEY", text = "${KEY}"),
    (name = "INFERENCE_BASE_URL", text = "${base}"),
    (name = "JOBS", durableObjectNamespace = "JobRunner"),
  ],
  durableObjectNamespaces = [
    (className = "JobRunner", uniqueKey = "inferencesh-durable-example", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "storage"),
  globalOutbound = "internet",
);
`;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** workerd serving the example on `port`; `kill()` is SIGKILL (the isolate dies mid-work). */
class Workerd {
  #child: Deno.ChildProcess | undefined;
  #log = "";
  constructor(readonly binary: string, readonly config: string, readonly port: number) {}

  async start(): Promise<void> {
    this.#child = new Deno.Command(this.binary, {
      args: ["serve", this.config, "--verbose"],
      cwd: WORK,
      env: { PWD: WORK },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      void stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (text) => void (this.#log += text) }),
      ).catch(() => {});
    }
    const deadline = Date.now() + PATIENCE_MS;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${this.port}/`).then(
        async (r) => (await r.body?.cancel(), true),
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`workerd did not listen within ${PATIENCE_MS} ms: ${this.log()}`);
  }

  async kill(): Promise<void> {
    if (!this.#child) return;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    this.#child = undefined;
  }

  log(): string {
    return this.#log.trim().split("\n").slice(-8).join(" | ");
  }
}

interface JobState {
  pending: { id: string; status: number; cursors: Record<string, number> }[];
  queued: number;
  results: {
    job: number;
    taskId: string;
    status: number;
    output: unknown;
    recordings: number;
  }[];
  alarm: number | null;
}

async function jobs(port: number, name: string): Promise<JobState> {
  const response = await fetch(`http://127.0.0.1:${port}/jobs/${name}`);
  if (!response.ok) throw new Error(`GET /jobs/${name} answered ${response.status}`);
  return await response.json();
}

async function start(
  port: number,
  name: string,
  body: { app: string; inputs: unknown[]; concurrency: number },
): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/jobs/${name}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  const answer = await response.text();
  if (!response.ok) throw new Error(`POST /jobs/${name} answered ${response.status}: ${answer}`);
}

/** Polls until `check` returns a value (not undefined). */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function runs(emulator: Emulator): number {
  return emulator.requests.filter((r) => r.method === "POST" && r.path === "/apps/run").length;
}

async function restartCase(
  workerd: Workerd,
  emulator: Emulator,
  gate: ReturnType<typeof gatedApp>,
) {
  const port = workerd.port;
  await start(port, "restart", { app: "test/gated", inputs: [{ job: "long" }], concurrency: 1 });
  const first = await until("the handle to be stored", async () => {
    const state = await jobs(port, "restart");
    return state.pending[0];
  });
  // The alarm is waiting on the task (its stream or polls reach the emulator).
  await until("the alarm to wait on the task", () =>
    Promise.resolve(
      emulator.requests.some((r) => r.path.startsWith(`/tasks/${first.id}`)) ? true : undefined,
    ));
  await workerd.kill();
  gate.open(); // the task ends while no isolate is there
  await until(
    "the task to end",
    () => Promise.resolve(emulator.task(first.id)?.status === 10 ? true : undefined),
  );
  const before = emulator.requests.length;
  await workerd.start();
  const state = await until("the result to be recorded", async () => {
    const state = await jobs(port, "restart");
    return state.results.length > 0 && state.pending.length === 0 ? state : undefined;
  });
  const [result] = state.results;
  const reattached = emulator.requests.slice(before).some((r) =>
    r.path.startsWith(`/tasks/${first.id}`)
  );
  const problems = [
    state.results.length === 1 ? "" : `${state.results.length} results`,
    result?.recordings === 1 ? "" : `recorded ${result?.recordings} times`,
    result?.taskId === first.id ? "" : "another task was recorded",
    (result?.output as { finished?: boolean })?.finished === true ? "" : "wrong output",
    runs(emulator) === 1 ? "" : `${runs(emulator)} tasks started`,
    reattached ? "" : "the restarted worker never read the task",
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `killed mid-alarm, task ended while down, recorded once after restart (task ${first.id})`;
}

async function fanoutCase(
  workerd: Workerd,
  emulator: Emulator,
  stats: { max: number; runs: number },
) {
  const port = workerd.port;
  const inputs = Array.from({ length: FANOUT_JOBS }, (_, job) => ({ job }));
  await start(port, "fanout", {
    app: "test/counted",
    inputs,
    concurrency: FANOUT_CONCURRENCY,
  });
  const third = Math.floor(FANOUT_JOBS / 3);
  const atKill = await until(`${third} results`, async () => {
    const state = await jobs(port, "fanout");
    return state.results.length >= third ? state.results.length : undefined;
  });
  await workerd.kill();
  await workerd.start();
  const state = await until(`all ${FANOUT_JOBS} results`, async () => {
    const state = await jobs(port, "fanout");
    return state.results.length === FANOUT_JOBS && state.pending.length === 0 ? state : undefined;
  });
  const started = runs(emulator) - 1; // minus the restart case's task
  const byJob = new Map(state.results.map((r) => [r.job, r]));
  const problems = [
    byJob.size === FANOUT_JOBS ? "" : `${byJob.size} distinct jobs`,
    state.results.every((r) => r.recordings === 1) ? "" : "a job was recorded twice",
    state.results.every((r) => r.status === 10 && (r.output as { job: number }).job === r.job)
      ? ""
      : "a job has a wrong status or output",
    // A task started just before the kill but not yet stored is started again
    // (the API has no idempotency key): its orphan may still run next to the five.
    stats.max <= FANOUT_CONCURRENCY + (started - FANOUT_JOBS)
      ? ""
      : `${stats.max} tasks ran at once`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `${FANOUT_JOBS} recorded once each; killed at ${atKill}; ${started} tasks started ` +
    `(${started - FANOUT_JOBS} restarted after the kill); at most ${stats.max} at once`;
}

async function main(): Promise<Outcome[]> {
  const tools = await ensureTools();
  await Deno.remove(WORK, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${WORK}/storage`, { recursive: true });
  await output(tools.esbuild, [
    `${ROOT}/examples/durable-object/src/index.ts`,
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--target=es2022",
    "--log-level=warning",
    `--alias:@inferencesh/sdk=${ROOT}/mod.ts`,
    `--outfile=${WORK}/worker.mjs`,
  ]);
  const gate = gatedApp();
  const counted = countingApp();
  const emulator = createEmulator({
    apiKey: KEY,
    stepMs: 2,
    heartbeatMs: 1_000,
    apps: [gate.definition, counted.definition],
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    emulator.handler,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const port = freePort();
  await Deno.writeTextFile(`${WORK}/config.capnp`, capnp(port, `${WORK}/storage`, base));
  const workerd = new Workerd(tools.workerd, `${WORK}/config.capnp`, port);
  const outcomes: Outcome[] = [];
  try {
    await workerd.start();
    for (
      const [name, run] of [
        ["durable-restart", () => restartCase(workerd, emulator, gate)],
        ["durable-fanout", () => fanoutCase(workerd, emulator, counted.stats)],
      ] as const
    ) {
      const started = performance.now();
      try {
        const detail = await run();
        outcomes.push({
          name,
          ok: true,
          detail: `${detail} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
        });
      } catch (error) {
        outcomes.push({
          name,
          ok: false,
          detail: `${
            error instanceof Error ? error.message : String(error)
          }; workerd: ${workerd.log()}`,
        });
      }
    }
  } finally {
    await workerd.kill();
    emulator.close();
    await server.shutdown();
  }
  return outcomes;
}

if (import.meta.main) {
  const outcomes = await main();
  const version = (await output(
    `${ROOT}/tests/runtimes/tools/node_modules/workerd/bin/workerd`,
    ["--version"],
  ).catch(() => "?")).trim();
  for (const outcome of outcomes) {
    console.log(`${outcome.ok ? "PASS" : "FAIL"}  ${outcome.name}  ${outcome.detail}`);
  }
  console.log(`MATRIX_RESULT ${JSON.stringify({ runtime: version, outcomes })}`);
  const passed = outcomes.filter((o) => o.ok).length;
  console.log(`durable objects: ${passed} passed, ${outcomes.length - passed} failed`);
  Deno.exit(outcomes.every((o) => o.ok) ? 0 : 1);
}
