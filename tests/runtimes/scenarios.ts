/**
 * The runtime matrix's scenarios: the same checks run inside every runtime
 * (Deno, Bun, Node, workerd, edge-runtime) against the emulator served over
 * loopback at `base`. Each scenario is one function that throws on failure
 * and returns a short note; add a scenario by adding a function to
 * {@linkcode SCENARIOS}. The package is imported by name, `@inferencesh/sdk`,
 * so outside Deno it is the packed npm package.
 *
 * Web standards only, no `node:` modules: this also runs on workerd and in
 * edge-runtime, where there are none.
 *
 * @module
 */

type Sdk = typeof import("@inferencesh/sdk");
type ProxyModule = typeof import("@inferencesh/sdk/proxy");
type TestingModule = typeof import("@inferencesh/sdk/testing");
type Task = Awaited<ReturnType<ReturnType<Sdk["inference"]>["tasks"]["get"]>>;

/** What a scenario gets. */
export interface Context {
  /**
   * The emulator's base URL: `http://127.0.0.1:<port>` over loopback, or the
   * in-process emulator's own base when `fetch` is its in-process fetch.
   */
  base: string;
  /** How to reach it; undefined: the runtime's `fetch`. */
  fetch?: ((input: Request | string | URL, init?: RequestInit) => Promise<Response>) | undefined;
  sdk: Sdk;
  proxy: ProxyModule;
}

/** A client of the context's emulator. */
function connect({ base, fetch, sdk }: Context): ReturnType<Sdk["inference"]> {
  return sdk.inference(
    fetch ? { apiKey: KEY, baseUrl: base, fetch } : { apiKey: KEY, baseUrl: base },
  );
}

/** One scenario's outcome. */
export interface Outcome {
  name: string;
  ok: boolean;
  /** A short note on success, the error on failure. */
  detail: string;
}

/** What a runtime reports: its features and the outcomes. */
export interface Report {
  features: Record<string, string>;
  outcomes: Outcome[];
}

const KEY = "inf_matrix_key";

/** Throws `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The globals importing the package must not touch, and no timers. */
const WATCHED = ["fetch", "Request", "Response", "Headers", "setTimeout", "setInterval"] as const;

/**
 * Imports the three entry points while watching the globals, and reports
 * any access: importing must execute nothing that reaches for the network or
 * the clock (tree-shaking and Node 20's lazy undici depend on it).
 */
async function importWatched(): Promise<
  { sdk: Sdk; proxy: ProxyModule; testing: TestingModule; touched: string[] }
> {
  const touched: string[] = [];
  const restore: (() => void)[] = [];
  const global = globalThis as Record<string, unknown>;
  for (const name of WATCHED) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!descriptor?.configurable) continue;
    const value = global[name];
    try {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          touched.push(name);
          return value;
        },
        set(next) {
          touched.push(name);
          Object.defineProperty(globalThis, name, { ...descriptor, value: next });
        },
      });
      restore.push(() => Object.defineProperty(globalThis, name, descriptor));
    } catch {
      // A global this runtime will not let us watch.
    }
  }
  try {
    const [sdk, proxy, testing] = await Promise.all([
      import("@inferencesh/sdk"),
      import("@inferencesh/sdk/proxy"),
      import("@inferencesh/sdk/testing"),
    ]);
    return { sdk, proxy, testing, touched };
  } finally {
    for (const undo of restore) undo();
  }
}

/**
 * Whether `text`, the deltas received, is a non-empty end of `reply`. Deltas are
 * not replayed: the ones sent before the stream connected are not received
 * (the emulator's steps make that rare, and then only the first ones are missed).
 */
export function isStreamedReply(text: string, reply: string): boolean {
  return text.length > 0 && reply.endsWith(text);
}

/** A prompt long enough for the reply's deltas to outlast connecting the stream. */
export const PROMPT = "héllo 🌍 one two three four five six seven eight nine ten";

/** Runs an LLM-like app: status updates and token deltas arrive as they happen. */
async function stream(context: Context): Promise<string> {
  const { sdk } = context;
  const client = connect(context);
  const prompt = PROMPT;
  const statuses: number[] = [];
  let text = "";
  let deltas = 0;
  const task = await client.tasks.run({ app: "infsh/text-stream", input: { prompt } }, {
    onUpdate: (t) => statuses.push(t.status),
    onDelta: (d) => {
      deltas++;
      text += d.delta.response ?? "";
    },
  });
  check(task.status === sdk.TaskStatusCompleted, `status ${task.status}`);
  const reply = (task.output as { response?: string }).response ?? "";
  check(reply === `Echo: ${prompt}`, `output ${JSON.stringify(reply)}`);
  check(isStreamedReply(text, reply), `deltas gave ${JSON.stringify(text)}`);
  check(statuses.includes(sdk.TaskStatusRunning), `statuses ${statuses}`);
  check(deltas > 1, `${deltas} deltas`);
  return `${statuses.length} updates, ${deltas} deltas`;
}

/** A failing app resolves with the failed task and its error. */
async function fail(context: Context): Promise<string> {
  const { sdk } = context;
  const client = connect(context);
  const task = await client.tasks.run({ app: "infsh/fail", input: { message: "boom 💥" } });
  check(task.status === sdk.TaskStatusFailed, `status ${task.status}`);
  check(String(task.error).includes("boom 💥"), `error ${task.error}`);
  const missing = await client.tasks.get("task_missing").then(() => undefined, (e) => e);
  check(missing instanceof sdk.NotFoundError, `get missing: ${missing}`);
  return "failed task + NotFoundError";
}

/**
 * Aborting a run rejects with the caller's reason and cancels the task on the
 * server. Notes whether `AbortSignal.any` is native here or the SDK's fallback ran.
 */
async function abort(context: Context): Promise<string> {
  await abortCancels(context.sdk, connect(context));
  return `cancelled (signals: ${signalPath()})`;
}

/**
 * Aborts a run of a sleeping app once it runs; checks that the run rejects with
 * the caller's reason and that the task ends cancelled on the server.
 */
export async function abortCancels(
  sdk: Sdk,
  client: ReturnType<Sdk["inference"]>,
): Promise<void> {
  const controller = new AbortController();
  const reason = new Error("user pressed stop");
  let id = "";
  const error = await client.tasks.run({ app: "infsh/sleep", input: { seconds: 30 } }, {
    signal: controller.signal,
    onUpdate: (task) => {
      id = task.id;
      if (task.status === sdk.TaskStatusRunning) controller.abort(reason);
    },
  }).then(() => undefined, (e) => e);
  check(error === reason, `rejected with ${error}`);
  let status = -1;
  for (let i = 0; i < 50 && !sdk.isTerminalStatus(status); i++) {
    status = (await client.tasks.get(id)).status;
  }
  check(status === sdk.TaskStatusCancelled, `server status ${status}`);
}

/** Through `createProxy`, run here in-process in front of the emulator, with `proxyUrl`. */
async function proxy({ base, fetch, sdk, proxy }: Context): Promise<string> {
  const handler = proxy.createProxy(
    fetch ? { apiKey: KEY, apiBaseUrl: base, fetch } : { apiKey: KEY, apiBaseUrl: base },
  );
  let relayed = 0;
  const client = sdk.inference({
    proxyUrl: "http://app.invalid/api/inference/proxy",
    fetch: (input, init) => {
      relayed++;
      const request = new Request(input, init);
      check(request.headers.get("authorization") === null, "the client sent a key");
      return handler(request);
    },
  });
  let text = "";
  const task = await client.tasks.run({ app: "infsh/text-stream", input: { prompt: PROMPT } }, {
    onDelta: (d) => text += d.delta.response ?? "",
  });
  check(task.status === sdk.TaskStatusCompleted, `status ${task.status}`);
  check(isStreamedReply(text, `Echo: ${PROMPT}`), `deltas gave ${JSON.stringify(text)}`);
  const refused = await handler(
    new Request("http://app.invalid/api/inference/proxy", {
      headers: { "x-inf-target-url": "http://169.254.169.254/latest/meta-data" },
    }),
  );
  check(refused.status === 403, `foreign target answered ${refused.status}`);
  await refused.body?.cancel();
  return `${relayed} requests relayed, foreign target 403`;
}

/** A small CSV file the upload scenarios send. */
export const CSV = "a,b\n1,2\n";
/** SHA-256 of `CSV`, computed once (the scenarios need no `crypto`). */
export const CSV_SHA256 = "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470";

/**
 * Uploads a stream (sent as a streaming request body where the runtime can,
 * buffered where it cannot) and a `Blob` placed in a task's input, and has an
 * app read both back byte for byte.
 */
async function upload(context: Context): Promise<string> {
  const { sdk } = context;
  const client = connect(context);
  const bytes = new TextEncoder().encode(CSV);
  const file = await client.files.upload(new Blob([bytes]).stream(), {
    filename: "table.csv",
    size: bytes.length,
  });
  check(file.content_type === "text/csv", `content type ${file.content_type}`);
  const task = await client.tasks.run({
    app: "infsh/file-info",
    input: { streamed: file.uri, blob: new Blob([bytes], { type: "text/csv" }) },
  });
  checkReadCsv(sdk, task, ["streamed", "blob"]);
  return "stream and Blob arrived byte for byte";
}

/** Checks that an `infsh/file-info` task completed and read each input of `keys` as `CSV`, byte for byte. */
export function checkReadCsv(sdk: Sdk, task: Task, keys: readonly string[]): void {
  check(task.status === sdk.TaskStatusCompleted, `status ${task.status}: ${task.error}`);
  const output = task.output as Record<string, { size?: number; sha256?: string }>;
  for (const key of keys) {
    check(output[key]?.size === CSV.length, `${key}: ${JSON.stringify(output[key])}`);
    check(output[key]?.sha256 === CSV_SHA256, `${key}: sha256 ${output[key]?.sha256}`);
  }
}

/** Two calls in one session share the worker's memory; after `end()` the session is gone. */
async function session(context: Context): Promise<string> {
  const { sdk } = context;
  const client = connect(context);
  const session = await client.sessions.open("infsh/counter", { timeout: 60 });
  await session.run({ by: 5 });
  const second = await session.run({ by: 1 });
  check(
    (second.output as { count?: number }).count === 6,
    `count ${JSON.stringify(second.output)}`,
  );
  await session.end();
  const after = await session.run({ by: 1 }).then(() => undefined, (e) => e);
  check(after instanceof sdk.SessionEndedError, `run after end: ${after}`);
  return `${session.id}: count 6, then SessionEndedError`;
}

/** An agent turn in which the model calls a client tool that runs here, in this runtime. */
async function agent(context: Context): Promise<string> {
  await weatherTurn(context.sdk, connect(context));
  return "tool ran here, reply quotes it";
}

/**
 * One agent turn in which the model calls a client tool, `get_weather`; checks
 * that the tool ran once, here, and that the reply quotes its answer.
 */
export async function weatherTurn(
  sdk: Sdk,
  client: ReturnType<Sdk["inference"]>,
): Promise<void> {
  const calls: string[] = [];
  const weather = sdk.tool("get_weather")
    .description("Get the current weather in a city")
    .params({ city: sdk.string("City name") })
    .handler(({ city }) => {
      calls.push(city);
      return JSON.stringify({ city, celsius: 21 });
    })
    .build();
  const assistant = client.agents.create({
    coreApp: "infsh/emulated-llm",
    systemPrompt: "You report the weather.",
    tools: [weather],
  });
  const reply = await assistant.sendMessage("What is the weather in Paris?");
  check(calls.length === 1 && calls[0] === "Paris", `tool calls ${JSON.stringify(calls)}`);
  check(reply.text.includes("21"), `reply ${JSON.stringify(reply.text)}`);
  assistant.disconnect();
}

/** `native` when the runtime has `AbortSignal.any`, else `fallback` (the SDK's listeners). */
function signalPath(): string {
  return typeof (AbortSignal as { any?: unknown }).any === "function" ? "native" : "fallback";
}

/**
 * The scenarios, in table order. Each gets a fresh client, so one failing
 * cannot break the next.
 */
export const SCENARIOS: Record<string, (context: Context) => Promise<string>> = {
  stream,
  fail,
  abort,
  proxy,
  upload,
  session,
  agent,
};

/**
 * Runs the import check, then every scenario against the emulator at `base`,
 * then every scenario again against an emulator created here, in this runtime
 * (`createEmulator()` with its in-process fetch: the emulator's own code, its
 * uploads and hashing included, runs where the SDK runs). Never rejects.
 */
export async function runScenarios(base: string): Promise<Report> {
  const features = { "AbortSignal.any": signalPath() };
  const outcomes: Outcome[] = [];
  let context: Context;
  let testing: TestingModule;
  try {
    const imported = await importWatched();
    const { sdk, proxy, touched } = imported;
    testing = imported.testing;
    context = { base, sdk, proxy };
    outcomes.push({
      name: "import",
      ok: touched.length === 0,
      detail: touched.length === 0 ? "no globals touched" : `touched ${touched.join(", ")}`,
    });
  } catch (error) {
    outcomes.push({ name: "import", ok: false, detail: describe(error) });
    return { features, outcomes };
  }
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    try {
      outcomes.push({ name, ok: true, detail: await scenario(context) });
    } catch (error) {
      outcomes.push({ name, ok: false, detail: describe(error) });
    }
  }
  outcomes.push(await inProcess(context, testing));
  return { features, outcomes };
}

/** Every scenario against `createEmulator()` in this runtime, as one outcome. */
export async function inProcess(context: Context, testing: TestingModule): Promise<Outcome> {
  const failed: string[] = [];
  try {
    const emulator = testing.createEmulator({ stepMs: 20, heartbeatMs: 500 });
    const here: Context = { ...context, base: "https://api.inference.sh", fetch: emulator.fetch };
    try {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        await scenario(here).catch((error) => failed.push(`${name}: ${describe(error)}`));
      }
    } finally {
      emulator.close();
    }
  } catch (error) {
    failed.push(describe(error));
  }
  return {
    name: "in-process",
    ok: failed.length === 0,
    detail: failed.length === 0
      ? `${Object.keys(SCENARIOS).length} scenarios against createEmulator() in this runtime`
      : failed.join("; "),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}

/** The line a runtime prints for the harness to read. */
export const RESULT_MARK = "MATRIX_RESULT ";
