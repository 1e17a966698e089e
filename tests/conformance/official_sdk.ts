/// <reference lib="deno.ns" />
/**
 * Conformance: the OFFICIAL client, `@inferencesh/sdk@0.6.54` from npm,
 * unmodified, against the emulator on a real loopback socket. If the emulator
 * speaks the wire protocol (/work/shared/protocol.md) faithfully, the official
 * client runs tasks, streams deltas, uploads files, uses sessions and drives an
 * agent turn with a client tool against it.
 *
 * ```sh
 * deno task conformance
 * ```
 *
 * The package is installed with the other pinned tools (tests/runtimes/tools,
 * as `official-sdk`). It cannot be imported as published (extension-less
 * relative imports, docs/protocol.md §10 Q1), so it is bundled with the pinned esbuild
 * into `dist/conformance/` and the bundle is imported. Every scenario gets its
 * own emulator and server and a timeout; the script prints a table scenario ×
 * pass / FAIL / known-defect, and exits 1 on any FAIL. A known defect is a
 * documented defect of the official SDK (docs/protocol.md §10), observed as documented.
 *
 * @module
 */

// deno-lint-ignore-file no-console

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/testing/mod.ts";
import { emulatorState } from "../../src/testing/emulator.ts";
import { DIST, ensureTools, output, ROOT, TOOLS_DIR } from "../../scripts/tools.ts";

/** The pinned official package, as installed in tests/runtimes/tools. */
const PACKAGE = "official-sdk";
const BUNDLE = `${DIST}/conformance/official-sdk.mjs`;
/** Longest a scenario may take. */
const SCENARIO_TIMEOUT_MS = 10_000;

// The part of the official SDK's API the scenarios use, as its dist/*.d.ts declare it.

/** TaskDTO (the fields read here). */
interface OfficialTask {
  id: string;
  status: number;
  output?: unknown;
  error?: string;
  "session_id"?: string;
  [key: string]: unknown;
}

/** The `{data, messages}` envelope the official client returns from plain requests. */
interface OfficialResponse<T> {
  data: T;
  messages: unknown[];
}

interface OfficialRunOptions {
  wait?: boolean;
  onUpdate?: (task: OfficialTask) => void;
  onPartialUpdate?: (task: OfficialTask, fields: string[]) => void;
  onDelta?: (delta: Record<string, unknown>, seq: number) => void;
}

interface OfficialFile {
  id: string;
  uri: string;
  filename: string;
  "content_type": string;
}

interface OfficialSession {
  id: string;
  status: string;
  "expires_at": string;
  "call_count": number;
}

interface OfficialChatMessage {
  id: string;
  "chat_id": string;
  role: string;
  status: string;
  content?: { type: string; text?: string }[];
  "tool_invocations"?: { id: string; status: string; result?: string }[];
}

interface OfficialAgentDelta {
  messageId: string;
  delta: Record<string, unknown>;
  output: { response?: string };
  seq: number;
}

interface OfficialSendOptions {
  onMessage?: (message: OfficialChatMessage) => void;
  onChat?: (chat: Record<string, unknown>) => void;
  onDelta?: (delta: OfficialAgentDelta) => void;
  onToolCall?: (invocation: { id: string; name: string; args: Record<string, unknown> }) => void;
  stream?: boolean;
  pollIntervalMs?: number;
}

interface OfficialAgent {
  readonly currentChatId: string | null;
  sendMessage(
    text: string,
    options?: OfficialSendOptions,
  ): Promise<{ userMessage: OfficialChatMessage; assistantMessage: OfficialChatMessage }>;
  submitToolResult(toolInvocationId: string, result: string): Promise<void>;
  getChat(): Promise<Record<string, unknown> | null>;
  run(text: string, options?: Omit<OfficialSendOptions, "stream">): Promise<unknown>;
  disconnect(): void;
}

interface OfficialClient {
  run(params: Record<string, unknown>, options?: OfficialRunOptions): Promise<OfficialTask>;
  files: {
    upload(data: string | Blob, options?: { filename?: string }): Promise<OfficialFile>;
  };
  sessions: {
    get(id: string): Promise<OfficialResponse<OfficialSession>>;
    list(): Promise<OfficialResponse<OfficialSession[]>>;
    keepalive(id: string): Promise<OfficialResponse<OfficialSession>>;
    end(id: string): Promise<OfficialResponse<void>>;
  };
  agents: {
    create(config: Record<string, unknown>, options?: { name?: string }): OfficialAgent;
  };
}

interface OfficialToolBuilder {
  describe(description: string): OfficialToolBuilder;
  param(name: string, schema: unknown): OfficialToolBuilder;
  build(): Record<string, unknown>;
}

interface OfficialError extends Error {
  statusCode?: number;
  responseBody?: string;
  errors?: { key: string; message: string }[];
}

/** The bundle's exports used here. */
interface OfficialSdk {
  inference(config: {
    apiKey: string;
    baseUrl: string;
    stream?: boolean;
    pollIntervalMs?: number;
  }): OfficialClient;
  tool(name: string): OfficialToolBuilder;
  string(description?: string): unknown;
  InferenceError: new (...args: never[]) => OfficialError;
  RequirementsNotMetException: new (...args: never[]) => OfficialError;
  SessionEndedError: new (...args: never[]) => OfficialError;
  isSessionError(error: unknown): boolean;
}

/** A documented defect of the official SDK (docs/protocol.md §10), observed as documented. */
class KnownDefect extends Error {
  constructor(readonly id: string, message: string) {
    super(message);
  }
}

interface Context {
  sdk: OfficialSdk;
  client: OfficialClient;
  emulator: Emulator;
  baseUrl: string;
}

interface Scenario {
  name: string;
  options?: EmulatorOptions;
  /** Settings of the official client beyond key and base URL. */
  client?: { stream?: boolean; pollIntervalMs?: number };
  /** Runs the scenario; resolves with a one-line detail, throws when it fails. */
  run(context: Context): Promise<string>;
}

type Verdict = "pass" | "FAIL" | "known-defect";

interface Row {
  name: string;
  framing: string;
  verdict: Verdict;
  detail: string;
  ms: number;
}

/** Installs the pinned tools if needed and bundles the official package; returns the bundle's path. */
async function bundle(): Promise<string> {
  const tools = await ensureTools();
  await Deno.mkdir(`${DIST}/conformance`, { recursive: true });
  await output(tools.esbuild, [
    PACKAGE,
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--target=es2022",
    "--log-level=warning",
    `--outfile=${BUNDLE}`,
  ], TOOLS_DIR);
  return BUNDLE;
}

async function version(): Promise<string> {
  const manifest = JSON.parse(
    await Deno.readTextFile(`${TOOLS_DIR}/node_modules/${PACKAGE}/package.json`),
  );
  return `${manifest.name}@${manifest.version}`;
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with what `promise` rejects with; throws if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<OfficialError> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
  } catch (error) {
    if (error instanceof Error) return error as OfficialError;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function textOf(message: OfficialChatMessage): string {
  return (message.content ?? []).map((part) => part.text ?? "").join("");
}

const ECHO_INPUT = { text: "hello", n: 3, nested: { list: [1, "two", null] } };

/** (a) `client.run` of infsh/echo under one framing. */
function echoUnder(framing: "partial" | "bare" | "wrapped"): Scenario {
  return {
    name: "run infsh/echo",
    options: { framing },
    async run({ client }) {
      const updates: number[] = [];
      const partials: number[] = [];
      const task = await client.run({ app: "infsh/echo", input: ECHO_INPUT }, {
        onUpdate: (t) => updates.push(t.status),
        onPartialUpdate: (t) => partials.push(t.status),
      });
      strictEqual(task.status, 10, "resolved status");
      deepStrictEqual(task.output, ECHO_INPUT, "output");
      ok(task.id.length > 0, "task id");
      if (framing === "partial") {
        strictEqual(partials.at(-1), 10, "last onPartialUpdate status");
        // T3: the official client hands {data, fields} lines to onPartialUpdate only.
        strictEqual(updates.length, 0, "onUpdate calls (T3: none expected)");
        return `status 10, output echoed; onPartialUpdate ${
          partials.join("→")
        }; onUpdate never fired (T3)`;
      }
      strictEqual(updates.at(-1), 10, "last onUpdate status");
      strictEqual(partials.length, 0, "onPartialUpdate calls");
      return `status 10, output echoed; onUpdate ${updates.join("→")}`;
    },
  };
}

/** (a') T3 as its own row: what a README-style caller (onUpdate only) sees under partial framing. */
const onUpdateUnderPartial: Scenario = {
  name: "onUpdate sees progress (T3)",
  options: { framing: "partial" },
  async run({ client }) {
    const updates: number[] = [];
    const task = await client.run({ app: "infsh/echo", input: { a: 1 } }, {
      onUpdate: (t) => updates.push(t.status),
    });
    strictEqual(task.status, 10, "resolved status");
    if (updates.length === 0) {
      throw new KnownDefect(
        "T3",
        "run resolved (status 10) but onUpdate never fired for {data, fields} lines",
      );
    }
    return `onUpdate ${updates.join("→")}`;
  },
};

/** (a'') The polling transport (docs/protocol.md §4.6). */
const echoPolling: Scenario = {
  name: "run infsh/echo, polling",
  client: { stream: false, pollIntervalMs: 25 },
  async run({ client, emulator }) {
    const updates: number[] = [];
    const task = await client.run({ app: "infsh/echo", input: { polled: true } }, {
      onUpdate: (t) => updates.push(t.status),
    });
    strictEqual(task.status, 10, "resolved status");
    deepStrictEqual(task.output, { polled: true }, "output");
    strictEqual(updates.at(-1), 10, "last onUpdate status");
    const paths = emulator.requests.map((r) =>
      `${r.method} ${r.path.replace(/\/tasks\/[^/?]+/, "/tasks/:id")}`
    );
    ok(paths.includes("GET /tasks/:id/status"), "polled GET /tasks/{id}/status");
    ok(!paths.includes("GET /tasks/:id/stream"), "no stream opened");
    return `status 10 via GET /tasks/{id}/status + GET /tasks/{id}; onUpdate ${updates.join("→")}`;
  },
};

/** (b) Deltas of infsh/text-stream reach onDelta. */
const textStream: Scenario = {
  name: "run infsh/text-stream onDelta",
  async run({ client }) {
    const pieces: string[] = [];
    const seqs: number[] = [];
    const task = await client.run({
      app: "infsh/text-stream",
      input: { prompt: "streamed words arrive" },
    }, {
      onDelta: (delta, seq) => {
        pieces.push(String(delta["response"] ?? ""));
        seqs.push(seq);
      },
    });
    const reply = "Echo: streamed words arrive";
    strictEqual(task.status, 10, "resolved status");
    deepStrictEqual(task.output, { response: reply }, "output");
    ok(pieces.length >= 2, `several deltas (got ${pieces.length})`);
    strictEqual(pieces.join(""), reply, "concatenated deltas");
    ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), `seq increasing: ${seqs}`);
    ok(!("delta" in task), "no stray delta key on the task (T4 does not apply with onDelta)");
    return `${pieces.length} deltas, seq ${seqs.join(",")}, joined = output.response`;
  },
};

/** (c) infsh/fail rejects with the app's message. */
const fail: Scenario = {
  name: "run infsh/fail rejects",
  async run({ client }) {
    const error = await rejection(
      client.run({ app: "infsh/fail", input: { message: "boom: CUDA OOM" } }),
    );
    strictEqual(error.message, "boom: CUDA OOM", "rejection message");
    return `rejected Error("${error.message}") (a plain Error, T5)`;
  },
};

/** (d) infsh/needs-secret: 412 with requirements. */
const needsSecret: Scenario = {
  name: "run infsh/needs-secret 412",
  async run({ sdk, client, emulator }) {
    const error = await rejection(client.run({ app: "infsh/needs-secret", input: {} }));
    ok(error instanceof sdk.RequirementsNotMetException, `RequirementsNotMetException: ${error}`);
    strictEqual(error.name, "RequirementsNotMetException", "name");
    strictEqual(error.statusCode, 412, "statusCode");
    strictEqual(error.errors?.[0]?.key, "OPENAI_API_KEY", "errors[0].key");
    strictEqual(error.message, "Secret OPENAI_API_KEY is required", "message");
    ok(
      !emulator.requests.some((r) => r.path.startsWith("/tasks/")),
      "no task followed after a 412",
    );
    return `RequirementsNotMetException 412, errors[0].key ${error.errors?.[0]?.key}`;
  },
};

/** (e) files.upload of a data URI, then infsh/file-info on its uri. */
const upload: Scenario = {
  name: "files.upload + infsh/file-info",
  async run({ client }) {
    const file = await client.files.upload("data:text/plain;base64,SGVsbG8gV29ybGQ=", {
      filename: "h.txt",
    });
    ok(typeof file.uri === "string" && file.uri.length > 0, "FileDTO.uri");
    strictEqual(file.filename, "h.txt", "FileDTO.filename");
    strictEqual(file.content_type, "text/plain", "FileDTO.content_type");
    const task = await client.run({ app: "infsh/file-info", input: { file: file.uri } });
    strictEqual(task.status, 10, "resolved status");
    deepStrictEqual(task.output, {
      file: {
        filename: "h.txt",
        size: 11,
        "content_type": "text/plain",
        sha256: await sha256Hex("Hello World"),
      },
    }, "file-info output");
    const downloaded = await fetch(file.uri).then((r) => r.text());
    strictEqual(downloaded, "Hello World", "bytes served at the uri");
    return 'POST /files + PUT; the app saw 11 bytes, SHA-256 of "Hello World"';
  },
};

/** (f) A session: the second call reaches the same worker; keepalive and end. */
const session: Scenario = {
  name: "session new → reuse, keepalive, end",
  async run({ client }) {
    const first = await client.run({ app: "infsh/counter", input: {}, session: "new" });
    strictEqual(first.status, 10, "first status");
    deepStrictEqual(first.output, { count: 1 }, "first output");
    const id = first.session_id;
    ok(typeof id === "string" && /^[0-7][0-9a-hjkmnp-tv-z]{25}$/.test(id), `session_id: ${id}`);
    const second = await client.run({ app: "infsh/counter", input: {}, session: id });
    strictEqual(second.status, 10, "second status");
    deepStrictEqual(second.output, { count: 2 }, "second output: the worker's memory");
    strictEqual(second.session_id, id, "second session_id");

    const read = await client.sessions.get(id);
    strictEqual(read.data.id, id, "sessions.get id");
    strictEqual(read.data.status, "active", "sessions.get status");
    strictEqual(read.data.call_count, 2, "call_count");
    const listed = await client.sessions.list();
    ok(listed.data.some((s) => s.id === id), "sessions.list includes it");
    const kept = await client.sessions.keepalive(id);
    strictEqual(kept.data.status, "active", "keepalive status");
    ok(Date.parse(kept.data.expires_at) >= Date.parse(read.data.expires_at), "expiry slid");
    const ended = await client.sessions.end(id);
    strictEqual(ended.data, undefined, "end: 204 → data undefined");
    deepStrictEqual(ended.messages, [], "end: messages");
    strictEqual((await client.sessions.get(id)).data.status, "ended", "status after end");
    const after = await rejection(client.sessions.keepalive(id));
    strictEqual(after.statusCode, 410, "keepalive after end: status");
    ok(after.responseBody?.includes("SESSION_ENDED"), `SESSION_ENDED in ${after.responseBody}`);
    return `count 1 → 2 on ${id}; get/list/keepalive/end; keepalive after end → 410 SESSION_ENDED`;
  },
};

/** (f') E2: session failures surface as the SDK's session error classes? */
const sessionErrors: Scenario = {
  name: "session errors typed (E2)",
  async run({ sdk, client }) {
    const first = await client.run({ app: "infsh/counter", input: {}, session: "new" });
    const id = first.session_id!;
    await client.sessions.end(id);
    const error = await rejection(client.run({ app: "infsh/counter", input: {}, session: id }));
    ok(error instanceof sdk.InferenceError, `an InferenceError: ${error}`);
    strictEqual(error.statusCode, 410, "statusCode");
    ok(error.responseBody?.includes("SESSION_ENDED"), `SESSION_ENDED in ${error.responseBody}`);
    const message = error.message;
    if (!(error instanceof sdk.SessionEndedError) && !sdk.isSessionError(error)) {
      throw new KnownDefect(
        "E2",
        `410 SESSION_ENDED arrived as a plain InferenceError ("${message}"); isSessionError false`,
      );
    }
    return "SessionEndedError";
  },
};

const WEATHER = JSON.stringify({ city: "Paris", temp_c: 21, sky: "sunny" });

/** (g) An ad-hoc agent with a client tool built by the official tool builder. */
const agentTool: Scenario = {
  name: "agent client tool turn",
  async run({ sdk, client, emulator }) {
    const agent = client.agents.create({
      "core_app": { ref: "infsh/emulated-llm@latest" },
      "system_prompt": "Answer with the tool's data.",
      tools: [
        sdk.tool("get_weather").describe("Current weather in a city")
          .param("city", sdk.string("City name")).build(),
      ],
    }, { name: "weather-bot" });
    try {
      const calls: { id: string; name: string; args: Record<string, unknown> }[] = [];
      const submitted: Promise<void>[] = [];
      const messages: OfficialChatMessage[] = [];
      let streamed = "";
      const sent = await agent.sendMessage("What is the weather in Paris?", {
        onMessage: (message) => messages.push(message),
        onDelta: (delta) => streamed = delta.output.response ?? streamed,
        onToolCall: (call) => {
          calls.push(call);
          submitted.push(agent.submitToolResult(call.id, WEATHER));
        },
      });
      await Promise.all(submitted);
      strictEqual(calls.length, 1, "onToolCall calls");
      strictEqual(calls[0]!.name, "get_weather", "tool name");
      deepStrictEqual(calls[0]!.args, { city: "Paris" }, "tool args");
      strictEqual(sent.userMessage.role, "user", "userMessage.role");
      const assistantId = sent.assistantMessage.id;
      ok(typeof agent.currentChatId === "string", "chat id learned");
      const final = messages.filter((m) => m.id === assistantId && m.status === "ready").at(-1);
      ok(final, `a ready assistant message among ${messages.length} onMessage calls`);
      const text = textOf(final);
      ok(
        text.includes(`The get_weather tool returned: ${WEATHER}`),
        `final text quotes it: ${text}`,
      );
      ok(streamed.includes("get_weather"), `onDelta accumulated the text: ${streamed}`);
      const invocation = final.tool_invocations?.[0] ??
        messages.flatMap((m) => m.tool_invocations ?? []).at(-1);
      strictEqual(invocation?.status, "completed", "invocation status");
      strictEqual(invocation?.result, WEATHER, "invocation result");
      const posted = emulator.requests.find((r) =>
        r.method === "POST" && /^\/tools\//.test(r.path)
      );
      deepStrictEqual(JSON.parse(posted?.body ?? "null"), { result: WEATHER }, "POST /tools/{id}");
      ok(
        emulator.requests.some((r) => /^\/chats\/[^/]+\/stream$/.test(r.path)),
        "followed GET /chats/{id}/stream",
      );

      // A second turn on the existing chat (stream opened before the POST, docs/protocol.md §7.5).
      const later: OfficialChatMessage[] = [];
      const second = await agent.sendMessage("Thanks!", { onMessage: (m) => later.push(m) });
      const reply = later.filter((m) => m.id === second.assistantMessage.id && m.status === "ready")
        .at(-1);
      ok(reply, "second turn: a ready assistant message");
      ok(textOf(reply).includes("Thanks!"), `second turn text: ${textOf(reply)}`);
      return `onToolCall get_weather {city:Paris} → submitToolResult → "${text.slice(0, 60)}…"; ` +
        "second turn ok";
    } finally {
      // A10: the chat stream outlives the turn; close it.
      agent.disconnect();
    }
  },
};

/** (g'') A10: does the chat stream end with the turn? */
const agentStreamAfterTurn: Scenario = {
  name: "chat stream closed after turn (A10)",
  async run({ client, emulator }) {
    const chats = emulatorState(emulator)!.chats;
    const agent = client.agents.create({ "core_app": { ref: "infsh/emulated-llm@latest" } });
    try {
      const replies: OfficialChatMessage[] = [];
      const sent = await agent.sendMessage("Hello there", { onMessage: (m) => replies.push(m) });
      const reply = replies.find((m) => m.id === sent.assistantMessage.id && m.status === "ready");
      ok(reply && textOf(reply) === "You said: Hello there", `reply: ${reply && textOf(reply)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const open = chats.subscriberCount;
      agent.disconnect();
      // The emulator must notice the client leaving (the fetch is aborted).
      for (let i = 0; i < 100 && chats.subscriberCount > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      strictEqual(chats.subscriberCount, 0, "chat subscribers after disconnect()");
      if (open > 0) {
        throw new KnownDefect(
          "A10",
          `sendMessage resolved but its chat stream stayed open (${open} subscriber 100 ms ` +
            "later) until disconnect()",
        );
      }
      return "the stream closed with the turn";
    } finally {
      agent.disconnect();
    }
  },
};

/** (g') `agent.run` polls (docs/protocol.md §7.6) and returns the structured output. */
const agentRun: Scenario = {
  name: "agent.run structured output (poll)",
  async run({ client, emulator }) {
    const agent = client.agents.create({
      "core_app": { ref: "infsh/emulated-llm@latest" },
      "output_schema": {
        type: "object",
        properties: { summary: { type: "string" }, sentiment: { type: "string" } },
        required: ["summary", "sentiment"],
      },
    });
    try {
      const result = await agent.run("The service was great", { pollIntervalMs: 25 }) as Record<
        string,
        unknown
      >;
      ok(result && typeof result === "object", `chat.output: ${JSON.stringify(result)}`);
      strictEqual(typeof result["summary"], "string", "summary");
      strictEqual(result["sentiment"], "positive", "sentiment");
      ok(
        emulator.requests.some((r) => /^\/chats\/[^/]+\/status$/.test(r.path)),
        "polled GET /chats/{id}/status",
      );
      return `output ${JSON.stringify(result)}`;
    } finally {
      agent.disconnect();
    }
  },
};

const SCENARIOS: Scenario[] = [
  echoUnder("partial"),
  echoUnder("bare"),
  echoUnder("wrapped"),
  onUpdateUnderPartial,
  echoPolling,
  textStream,
  fail,
  needsSecret,
  upload,
  session,
  sessionErrors,
  agentTool,
  agentStreamAfterTurn,
  agentRun,
];

/** Runs one scenario against its own emulator on 127.0.0.1. */
async function runScenario(sdk: OfficialSdk, scenario: Scenario): Promise<Row> {
  const emulator = createEmulator({ stepMs: 5, heartbeatMs: 1000, ...scenario.options });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    emulator.handler,
  );
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  const client = sdk.inference({ apiKey: "test", baseUrl, ...scenario.client });
  const row = (verdict: Verdict, detail: string): Row => ({
    name: scenario.name,
    framing: scenario.client?.stream === false ? "poll" : scenario.options?.framing ?? "partial",
    verdict,
    detail,
    ms: Math.round(performance.now() - start),
  });
  const start = performance.now();
  try {
    const detail = await deadline(
      scenario.run({ sdk, client, emulator, baseUrl }),
      SCENARIO_TIMEOUT_MS,
      scenario.name,
    );
    return row("pass", detail);
  } catch (error) {
    if (error instanceof KnownDefect) return row("known-defect", `${error.id}: ${error.message}`);
    const message = error instanceof Error ? error.message : String(error);
    return row("FAIL", message.replaceAll(/\s+/g, " "));
  } finally {
    emulator.close(); // ends every open stream, so a hung client lets go
    await deadline(server.shutdown(), 2_000, "server shutdown").catch(() => {});
  }
}

function table(rows: Row[]): string {
  const header = ["scenario", "framing", "result", "ms", "detail"];
  const body = rows.map((r) => [r.name, r.framing, r.verdict, String(r.ms), r.detail]);
  const widths = header.map((h, i) =>
    i === header.length - 1 ? 0 : Math.max(h.length, ...body.map((r) => r[i]!.length))
  );
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => c.replaceAll("|", "\\|").replaceAll("\n", " ").padEnd(widths[i]!)).join(
        " | ",
      )
    } |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(Math.max(w, 3))).join(" | ")} |`]
    .concat(body.map(line)).join("\n");
}

if (import.meta.main) {
  const started = performance.now();
  const path = await bundle();
  const sdk = await import(new URL(`file://${path}`).href) as OfficialSdk;
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) rows.push(await runScenario(sdk, scenario));
  const failures = rows.filter((r) => r.verdict === "FAIL");
  const known = rows.filter((r) => r.verdict === "known-defect");
  console.log(
    `\n### Official SDK (${await version()}, esbuild bundle ${
      path.slice(ROOT.length + 1)
    }) against the emulator\n`,
  );
  console.log(table(rows));
  console.log(
    `\nconformance: ${rows.length - failures.length - known.length} pass, ${known.length} ` +
      `known defects of the official SDK, ${failures.length} fail, ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`,
  );
  Deno.exit(failures.length > 0 ? 1 : 0);
}
