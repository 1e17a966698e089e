/**
 * The matrix's browser page (bundled by esbuild from the packed package, run in
 * headless Chromium): a browser app as the README describes it, with no key,
 * every call through `inference({ proxyUrl })` to the page's own server, where
 * `createProxy` adds the key and relays to the emulator. It checks a streamed
 * task with deltas, a failing task, an abort that cancels the task, the proxy
 * refusing a foreign target, an upload of a `File` (alone and inside a task's
 * input), the proxy refusing a session (the server's to set), and an agent turn whose client tool runs in the page; then
 * every scenario against `createEmulator()` in the page. Assertions run here;
 * the report is POSTed to `/__report` for the matrix to print.
 *
 * @module
 */

import * as sdk from "@inferencesh/sdk";
import * as proxyModule from "@inferencesh/sdk/proxy";
import * as testing from "@inferencesh/sdk/testing";
import {
  abortCancels,
  check,
  checkReadCsv,
  CSV,
  inProcess,
  isStreamedReply,
  type Outcome,
  PROMPT,
  type Report,
  weatherTurn,
} from "./scenarios.ts";

const PROXY = "/api/inference/proxy";

const client = () => sdk.inference({ proxyUrl: PROXY });

async function stream(): Promise<string> {
  let text = "";
  let deltas = 0;
  const statuses: number[] = [];
  const task = await client().tasks.run({ app: "infsh/text-stream", input: { prompt: PROMPT } }, {
    onUpdate: (t) => statuses.push(t.status),
    onDelta: (d) => {
      deltas++;
      text += d.delta.response ?? "";
    },
  });
  check(task.status === sdk.TaskStatusCompleted, `status ${task.status}`);
  check(isStreamedReply(text, `Echo: ${PROMPT}`), `deltas gave ${JSON.stringify(text)}`);
  check(deltas > 1, `${deltas} deltas`);
  check(statuses.includes(sdk.TaskStatusRunning), `statuses ${statuses}`);
  return `${deltas} deltas through the proxy`;
}

async function fail(): Promise<string> {
  const task = await client().tasks.run({ app: "infsh/fail", input: { message: "boom 💥" } });
  check(task.status === sdk.TaskStatusFailed, `status ${task.status}`);
  check(String(task.error).includes("boom 💥"), `error ${task.error}`);
  return "failed task";
}

async function abort(): Promise<string> {
  await abortCancels(sdk, client());
  return "aborted, cancelled on the server";
}

async function proxy(): Promise<string> {
  const refused = await fetch(PROXY, {
    headers: { "x-inf-target-url": "http://169.254.169.254/latest/meta-data" },
  });
  check(refused.status === 403, `a foreign target answered ${refused.status}`);
  await refused.body?.cancel();
  return "foreign target 403";
}

async function upload(): Promise<string> {
  const c = client();
  const file = new File([CSV], "table.csv", { type: "text/csv" });
  const uploaded = await c.files.upload(file);
  check(uploaded.content_type === "text/csv", `content type ${uploaded.content_type}`);
  const task = await c.tasks.run({
    app: "infsh/file-info",
    input: { uploaded: uploaded.uri, inline: new File([CSV], "inline.csv", { type: "text/csv" }) },
  });
  checkReadCsv(sdk, task, ["uploaded", "inline"]);
  return "File uploaded, alone and in input, byte for byte";
}

/**
 * A page may not pick a session: the proxy refuses `session` (the account's,
 * set on the server) with a 403 problem, which reaches the page typed.
 */
async function session(): Promise<string> {
  const s = await client().sessions.open("infsh/counter", { timeout: 60 });
  const error = await s.run({ by: 1 }).then(() => undefined, (e) => e);
  check(
    error instanceof sdk.PermissionDeniedError && error.code === "field_not_allowed",
    `a session through the proxy gave ${error}`,
  );
  return "refused by the proxy as a typed 403 (field_not_allowed)";
}

async function agent(): Promise<string> {
  await weatherTurn(sdk, client());
  return "client tool ran in the page";
}

const PAGE_SCENARIOS: Record<string, () => Promise<string>> = {
  stream,
  fail,
  abort,
  proxy,
  upload,
  session,
  agent,
};

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function main(): Promise<Report> {
  const outcomes: Outcome[] = [{ name: "import", ok: true, detail: navigator.userAgent }];
  for (const [name, scenario] of Object.entries(PAGE_SCENARIOS)) {
    try {
      outcomes.push({ name, ok: true, detail: await scenario() });
    } catch (error) {
      outcomes.push({ name, ok: false, detail: describe(error) });
    }
  }
  outcomes.push(
    await inProcess({ base: location.origin, sdk, proxy: proxyModule }, testing),
  );
  const any = typeof (AbortSignal as { any?: unknown }).any === "function";
  return { features: { "AbortSignal.any": any ? "native" : "fallback" }, outcomes };
}

const report = await main().catch((error): Report => ({
  features: {},
  outcomes: [{ name: "import", ok: false, detail: describe(error) }],
}));
await fetch("/__report", { method: "POST", body: JSON.stringify(report) });
