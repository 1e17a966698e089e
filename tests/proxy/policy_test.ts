// The proxy as a policy: what it forwards by default, what it refuses whatever
// the options, body checks with Go-style key folding, allowedEndpoints,
// uploads, the query form, origins, and that nothing refused reaches the API.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createProxy,
  type FetchLike,
  PROXY_ENDPOINTS,
  type ProxyOptions,
} from "../../src/proxy/mod.ts";

const API = "https://api.inference.sh";
const PROXY = "https://app.example/api/inference/proxy";

// Ids as the API mints them: 26 lowercase base32 characters (a ULID's alphabet).
const TASK = "01j9z3m8k2c9v7b4n6q5r0t1wx";
const CHAT = "01j9z3m8k2c9v7b4n6q5r0c4at";
const MSG = "01j9z3m8k2c9v7b4n6q5r0m5g0";
const TOOL = "01j9z3m8k2c9v7b4n6q5r0t001";
const RUN = "01j9z3m8k2c9v7b4n6q5r0r0n1";
const INTERRUPT = "01j9z3m8k2c9v7b4n6q5r0n7r1";

interface Sent {
  status: number;
  problem: { code: string; detail: string; option?: string } | undefined;
}

/** A proxy whose upstream answers `{}` and counts what reached it. */
function policyProxy(options: Partial<ProxyOptions> = {}) {
  const relayed: { url: string; body: string | undefined }[] = [];
  const fetch: FetchLike = (input, init = {}) => {
    relayed.push({
      url: String(input),
      body: init.body ? new TextDecoder().decode(init.body as Uint8Array) : undefined,
    });
    return Promise.resolve(Response.json({}));
  };
  const proxy = createProxy({ apiKey: "site-key-0123456789", fetch, ...options });
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    init: { headers?: Record<string, string>; query?: boolean } = {},
  ): Promise<Sent> => {
    const url = new URL(PROXY);
    const headers = new Headers(init.headers);
    if (init.query) url.searchParams.set("__inf_target", API + path);
    else headers.set("x-inf-target-url", API + path);
    if (body !== undefined && !headers.has("content-type")) {
      headers.set("content-type", "application/json");
    }
    const response = await proxy(
      new Request(url, {
        method,
        headers,
        body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
    if (response.status < 400) {
      await response.body?.cancel();
      return { status: response.status, problem: undefined };
    }
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    return { status: response.status, problem: await response.json() };
  };
  return { send, relayed };
}

const WIDE: Partial<ProxyOptions> = {
  allowedEndpoints: ["*/*"],
  isAuthenticated: () => true,
  maxUploadBytes: Number.MAX_SAFE_INTEGER,
  allowedOrigins: ["*"],
};

describe("proxy policy: refused whatever the options", () => {
  const refused: [string, string, unknown?][] = [
    ["GET", "/secrets"],
    ["GET", "/secrets/reveal/OPENAI_API_KEY"],
    ["POST", "/secrets", { key: "X", value: "y" }],
    ["GET", "/apikeys"],
    ["POST", "/apikeys", { name: "x" }],
    ["DELETE", "/apikeys/k1"],
    ["GET", "/billing"],
    ["GET", "/billing/balance"],
    ["GET", "/me"],
    ["GET", "/me/exports"],
    ["POST", "/me/delete"],
    ["GET", "/teams"],
    ["GET", "/files"],
    ["POST", "/files/list", {}],
    ["GET", "/files/f1"],
    ["GET", `/files/${TASK}`],
    ["DELETE", `/files/${TASK}`],
    ["POST", "/apps", { name: "x" }],
    ["POST", "/apps/a1", { name: "x" }],
    ["DELETE", "/apps/a1"],
    ["PUT", "/apps/a1", {}],
    ["POST", "/agents", { name: "x" }],
    ["POST", "/agents/a1", { name: "x" }],
    ["DELETE", "/agents/a1"],
    ["POST", "/agents/a1/duplicate"],
    ["GET", "/agents/a1/versions"],
    ["GET", "/agents/a1/card"],
    ["GET", "/agents/a1/rules"],
    ["GET", `/agents/${TASK}/export`],
    ["GET", "/admin/users"],
    ["POST", "/admin/teams/t1/plan", {}],
    ["GET", "/tasks"],
    ["POST", "/tasks/list", {}],
    ["DELETE", `/tasks/${TASK}`],
    ["POST", `/tasks/${TASK}/visibility`, { visibility: "public" }],
    ["POST", "/chats/list", {}],
    ["POST", `/chats/${CHAT}`, { name: "x" }],
    ["DELETE", `/chats/${CHAT}`],
    ["GET", `/chats/${CHAT}/trace`],
    ["POST", `/chats/${CHAT}/rules`, {}],
    ["POST", "/flowruns", {}],
    ["GET", "/flows"],
    ["GET", "/sessions"],
    ["POST", "/sessions", {}],
    ["DELETE", `/sessions/${TASK}`],
    ["GET", "/apps/run"],
    ["POST", "/apps/run/", { app: "ana/helper" }],
    ["POST", "//apps/run", { app: "ana/helper" }],
    ["GET", `/tasks/${TASK}/../../secrets`],
    ["GET", `/tasks/${TASK}/%2e%2e/%2e%2e/secrets`],
    ["GET", `/tasks/${TASK}%2F..%2F..%2Fsecrets/stream`],
    ["GET", `/tasks/..%2f..%2fsecrets`],
    ["GET", `/tasks/${TASK}%252F..%252F..%252Fsecrets/stream`],
    ["GET", `/tasks/${TASK}%5C..%5Csecrets`],
    ["GET", `/tasks/${TASK}%00`],
  ];

  for (const [label, options] of [["default options", {}], ["the widest options", WIDE]] as const) {
    it(`refuses account, management and admin calls with 403 (${label})`, async () => {
      const { send, relayed } = policyProxy(options);
      for (const [method, path, body] of refused) {
        const { status, problem } = await send(method, path, body);
        assert.deepEqual([method, path, status], [method, path, 403]);
        assert.match(problem!.code, /^(endpoint|path)_not_allowed$/, path);
        assert.match(problem!.detail, /inference\.sh proxy/, path);
      }
      assert.equal(relayed.length, 0);
    });
  }

  // Literal route segments where the proxy takes an id: an id pattern that
  // matched "stream" once let GET /tasks/stream, the live feed of every task
  // the key can read, through.
  const literalSiblings: [string, string][] = [
    ["GET", "/tasks/stream"],
    ["GET", "/tasks/featured"],
    ["GET", "/tasks/queue-stats"],
    ["POST", "/tasks/list"],
    ["POST", "/tasks/run"],
    ["GET", "/tasks/list"],
    ["GET", "/tasks/stream/stream"],
    ["GET", "/tasks/featured/status"],
    ["POST", "/tasks/list/cancel"],
    ["POST", "/chats/list"],
    ["GET", "/chats/list"],
    ["GET", "/chats/stream"],
    ["GET", "/chats/messages"],
    ["GET", "/chats/list/stream"],
    ["GET", "/chats/list/messages"],
    ["POST", "/chats/list/messages"],
    ["POST", "/chats/list/stop"],
    ["POST", "/chats/list/agent"],
    ["POST", "/chats/messages/list/cancel"],
    ["GET", "/chats/messages/stream"],
    ["POST", "/tools/widget"],
    ["GET", "/agent-runs/list"],
  ];

  it("never takes a literal route segment for an id", async () => {
    for (const options of [{}, WIDE]) {
      const { send, relayed } = policyProxy(options);
      for (const [method, path] of literalSiblings) {
        const { status } = await send(method, path, method === "POST" ? {} : undefined);
        assert.deepEqual([method, path, status], [method, path, 403]);
      }
      assert.equal(relayed.length, 0);
    }
  });

  it("takes only the API's id shape where a path names a task or chat", async () => {
    const { send, relayed } = policyProxy();
    const shapes = [
      "stream",
      "t1",
      "task_0001",
      TASK.toUpperCase(),
      TASK.slice(1),
      `${TASK}0`,
      "abcdefghijklmnopqrstuvwxyz",
      `${TASK.slice(0, 25)}_`,
      `${TASK.slice(0, 25)}u`,
    ];
    for (const id of shapes) {
      assert.deepEqual([id, (await send("GET", `/tasks/${id}`)).status], [id, 403]);
      assert.deepEqual([id, (await send("GET", `/chats/${id}/stream`)).status], [id, 403]);
    }
    assert.equal(relayed.length, 0);
    assert.equal((await send("GET", `/tasks/${TASK}`)).status, 200);
    assert.equal((await send("GET", `/tasks/${"0".repeat(26)}/stream`)).status, 200);
  });

  const approvals: [string, string, unknown?][] = [
    ["POST", `/tools/${TOOL}/invoke`],
    ["POST", `/tools/${TOOL}/reject`, { reason: "no" }],
    ["GET", `/chats/${CHAT}/tools/${TOOL}/always-allow/options`],
    ["POST", `/chats/${CHAT}/tools/${TOOL}/always-allow`, {}],
    ["POST", `/chats/${CHAT}/tools/${TOOL}/explain`, {}],
    ["POST", `/interrupts/${INTERRUPT}/resolve`, { resolution: "allow" }],
    ["GET", `/agent-runs/${RUN}/interrupts`],
    ["POST", `/chats/${CHAT}/settings`, { allow_all_tools: true }],
    ["POST", `/chats/${CHAT}/settings`, { disable_hooks: true }],
  ];

  it("refuses approvals and the chat settings that approve everything", async () => {
    const { send, relayed } = policyProxy(WIDE);
    for (const [method, path, body] of approvals) {
      const { status, problem } = await send(method, path, body);
      assert.deepEqual([path, status, problem?.code], [path, 403, "approval_not_allowed"]);
      assert.match(problem!.detail, /approvals/);
    }
    assert.equal(relayed.length, 0);
  });
});

describe("proxy policy: what it forwards", () => {
  it("forwards every default endpoint with a well-formed request", async () => {
    const { send, relayed } = policyProxy();
    const requests: [string, string, unknown?][] = [
      ["POST", "/apps/run", { app: "ana/helper@v1", function: "generate", input: { a: 1 } }],
      ["POST", "/files", {
        files: [{ uri: "", filename: "a.png", content_type: "image/png", size: 1 }],
      }],
      ["GET", `/tasks/${TASK}`],
      ["GET", `/tasks/${TASK}/status`],
      ["GET", `/tasks/${TASK}/stream`],
      ["POST", `/tasks/${TASK}/cancel`],
      ["POST", "/agents/run", { agent: "ana/helper", input: { text: "hi" } }],
      ["POST", "/chats", { agent: "ana/helper" }],
      ["POST", `/chats/${CHAT}/messages`, { message: "hi" }],
      ["POST", `/chats/${CHAT}/agent`, { agent: "ana/helper" }],
      ["GET", "/agents/ana/helper"],
      ["GET", `/chats/${CHAT}`],
      ["GET", `/chats/${CHAT}/status`],
      ["GET", `/chats/${CHAT}/messages?limit=20`],
      ["GET", `/chats/${CHAT}/stream`],
      ["POST", `/chats/${CHAT}/stop`],
      ["POST", `/chats/messages/${MSG}/cancel`],
      ["POST", `/tools/${TOOL}`, { result: "ok" }],
    ];
    for (const [method, path, body] of requests) {
      assert.deepEqual([method, path, (await send(method, path, body)).status], [
        method,
        path,
        200,
      ]);
    }
    assert.equal(relayed.length, PROXY_ENDPOINTS.length);
    assert.equal(relayed[13]!.url, `${API}/chats/${CHAT}/messages?limit=20`);
    // Bodies go on as they were checked.
    assert.deepEqual(JSON.parse(relayed[0]!.body!), requests[0]![2]);
  });

  it("forwards a path the way it was checked: decoded, normalised, unescaped", async () => {
    const { send, relayed } = policyProxy();
    assert.equal((await send("GET", `/%74asks/${TASK}`)).status, 200);
    assert.equal((await send("GET", `/tasks/${TASK}/./stream`)).status, 200);
    assert.deepEqual(relayed.map((r) => r.url), [
      `${API}/tasks/${TASK}`,
      `${API}/tasks/${TASK}/stream`,
    ]);
  });
});

describe("proxy policy: POST /apps/run", () => {
  it("forwards the app, its input and how to follow the run; ids only without allowedEndpoints", async () => {
    const { send } = policyProxy();
    const body = {
      app: "ana/helper@v1",
      function: "generate",
      input: { prompt: "x" },
      stream: true,
    };
    assert.equal((await send("POST", "/apps/run", body)).status, 200);
    assert.equal((await send("POST", "/apps/run", { app_id: "a", version_id: "v" })).status, 200);
    // `input` is the app's own: its keys are not the run's fields.
    assert.equal(
      (await send("POST", "/apps/run", { app: "a/b", input: { webhook: 1 } })).status,
      200,
    );
  });

  const fields: [string, unknown][] = [
    ["workers", ["private-worker"]],
    ["infra", "private"],
    ["session", "sess-of-another-visitor"],
    ["session_timeout", 600],
    ["webhook", "https://evil.example/hook"],
    ["run_at", "2030-01-01T00:00:00Z"],
    ["setup", { model: "big" }],
    ["metadata", { x: 1 }],
    ["session", null],
    // Go reads JSON keys case-insensitively, with Unicode simple folding.
    ["Workers", ["private-worker"]],
    ["WEBHOOK", "https://evil.example/hook"],
    ["\u017fession", "x"], // long s
    ["wor\u212aers", ["w"]], // Kelvin sign
    ["METADATA", {}],
    ["Run_At", "2030-01-01T00:00:00Z"],
  ];

  it("refuses every field that says where, when or for whom a run happens, however spelled", async () => {
    for (const options of [{}, { allowedEndpoints: ["ana/*"] }, WIDE]) {
      const { send, relayed } = policyProxy(options);
      for (const [field, value] of fields) {
        const { status, problem } = await send("POST", "/apps/run", {
          app: "ana/helper",
          input: {},
          [field]: value,
        });
        assert.deepEqual([field, status, problem?.code], [field, 403, "field_not_allowed"]);
        assert.ok(problem!.detail.startsWith(`"${field}"`), problem!.detail);
        assert.match(problem!.detail, /cannot be set through the inference\.sh proxy/);
      }
      assert.equal(relayed.length, 0);
    }
  });

  it("reads JSON escapes in keys the way the API does", async () => {
    const { send, relayed } = policyProxy();
    const body = '{"app":"ana/helper","webhoo\\u006b":"https://evil.example"}';
    assert.equal((await send("POST", "/apps/run", body)).status, 403);
    assert.equal(relayed.length, 0);
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    const { send, relayed } = policyProxy();
    for (const body of ["not json", "[]", "null", '"x"']) {
      const { status, problem } = await send("POST", "/apps/run", body);
      assert.deepEqual([body, status, problem?.code], [body, 400, "invalid_body"]);
    }
    assert.equal((await send("POST", "/apps/run")).status, 400);
    assert.equal(relayed.length, 0);
  });
});

describe("proxy policy: POST /files", () => {
  const file = (extra: Record<string, unknown> = {}) => ({
    uri: "",
    filename: "a.png",
    content_type: "image/png",
    size: 1024,
    ...extra,
  });

  it("forwards one file within the size limit", async () => {
    assert.equal((await policyProxy().send("POST", "/files", { files: [file()] })).status, 200);
    const max = { files: [file({ size: 100 * 1024 * 1024 })] };
    assert.equal((await policyProxy().send("POST", "/files", max)).status, 200);
    const small = policyProxy({ maxUploadBytes: 2048 });
    assert.equal(
      (await small.send("POST", "/files", { files: [file({ size: 2048 })] })).status,
      200,
    );
  });

  const cases: [string, Partial<ProxyOptions>, unknown, number, string][] = [
    [
      "over the default 100 MiB",
      {},
      { files: [file({ size: 100 * 1024 * 1024 + 1 })] },
      413,
      "upload_too_large",
    ],
    [
      "over maxUploadBytes",
      { maxUploadBytes: 2048 },
      { files: [file({ size: 2049 })] },
      413,
      "upload_too_large",
    ],
    [
      "over the limit under a folded key",
      { maxUploadBytes: 2048 },
      { files: [file({ SIZE: 1e9 })] },
      413,
      "upload_too_large",
    ],
    ["two files", {}, { files: [file(), file()] }, 403, "upload_not_allowed"],
    ["no files", {}, { files: [] }, 403, "upload_not_allowed"],
    ["files that are no array", {}, { files: file() }, 403, "upload_not_allowed"],
    [
      "a second files array under a folded key",
      {},
      { files: [file()], FILES: [file(), file()] },
      403,
      "upload_not_allowed",
    ],
    ["a category", {}, { files: [file()], category: "artifacts" }, 403, "upload_not_allowed"],
    ["an unknown file field", {}, { files: [file({ store: "x" })] }, 403, "upload_not_allowed"],
    ["a storage path", {}, { files: [file({ path: "/other/file" })] }, 403, "upload_not_allowed"],
    ["no size", {}, { files: [{ filename: "a.png" }] }, 400, "invalid_upload"],
    ["a fractional size", {}, { files: [file({ size: 1.5 })] }, 400, "invalid_upload"],
    ["a negative size", {}, { files: [file({ size: -1 })] }, 400, "invalid_upload"],
    ["a string size", {}, { files: [file({ size: "1024" })] }, 400, "invalid_upload"],
  ];

  for (const [label, options, body, status, code] of cases) {
    it(`refuses ${label} with a ${status}`, async () => {
      const { send, relayed } = policyProxy(options);
      const sent = await send("POST", "/files", body);
      assert.deepEqual([sent.status, sent.problem?.code], [status, code]);
      if (status === 413) assert.equal(sent.problem?.option, "maxUploadBytes");
      assert.equal(relayed.length, 0);
    });
  }

  it("refuses an invalid maxUploadBytes when the proxy is created", () => {
    for (const maxUploadBytes of [0, -1, 1.5, Number.NaN, Infinity]) {
      assert.throws(() => createProxy({ apiKey: "k", maxUploadBytes }), RangeError);
    }
  });
});

describe("proxy policy: allowedEndpoints", () => {
  const only = { allowedEndpoints: ["ana/helper", "bob/*", "cat/pinned@v2"] };

  it("forwards what names an allowed app or agent, and every call on an id", async () => {
    const { send } = policyProxy(only);
    const allowed: [string, string, unknown?][] = [
      ["POST", "/apps/run", { app: "ana/helper", input: {} }],
      ["POST", "/apps/run", { app: "ana/helper@abc123:generate", input: {} }],
      ["POST", "/apps/run", { app: "ana/helper:generate", input: {} }],
      ["POST", "/apps/run", { app: "app/ana/helper", input: {} }],
      ["POST", "/apps/run", { app: "bob/anything@v2", input: {} }],
      ["POST", "/apps/run", { app: "cat/pinned@v2:fn", input: {} }],
      ["POST", "/agents/run", { agent: "ana/helper", input: { text: "hi" } }],
      ["POST", "/agents/run", { agent: "ana/helper", chat_id: CHAT, agent_config: null }],
      ["POST", "/chats", { agent: "bob/x" }],
      ["POST", `/chats/${CHAT}/agent`, { agent: "ana/helper" }],
      ["GET", "/agents/ana/helper"],
      ["GET", "/agents/ana/helper@v1"],
      ["GET", `/tasks/${TASK}/stream`],
      ["POST", `/tasks/${TASK}/cancel`],
      ["POST", `/chats/${CHAT}/messages`, { message: "hi" }],
      ["POST", `/chats/${CHAT}/stop`],
      ["POST", `/chats/messages/${MSG}/cancel`],
      ["POST", `/tools/${TOOL}`, { result: "ok" }],
    ];
    for (const [method, path, body] of allowed) {
      const { status } = await send(method, path, body);
      assert.deepEqual([method, path, body, status], [method, path, body, 200]);
    }
  });

  const refused: [string, string, unknown, RegExp][] = [
    [
      "POST",
      "/apps/run",
      { app: "eve/helper" },
      /app "eve\/helper" is not in this proxy's allowedEndpoints/,
    ],
    ["POST", "/apps/run", { app: "ana/helperx" }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: "bob/a/b" }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: TASK }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: "ana/" }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: 42 }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: "cat/pinned" }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { app: "cat/pinned@v3" }, /not in this proxy's allowedEndpoints/],
    ["POST", "/apps/run", { input: {} }, /"app" is required when the proxy has allowedEndpoints/],
    ["POST", "/apps/run", { app: "ana/helper", app_id: TASK }, /"app_id" is not accepted/],
    ["POST", "/apps/run", { app: "ana/helper", version_id: "v" }, /"version_id" is not accepted/],
    [
      "POST",
      "/apps/run",
      { app: "ana/helper", App: "eve/x" },
      /not in this proxy's allowedEndpoints/,
    ],
    ["POST", "/apps/run", { app: "ana/helper", APP_ID: "x" }, /"app_id" is not accepted/],
    [
      "POST",
      "/apps/run",
      { app: "ana/helper", "ver\u017fion_id": "x" },
      /"version_id" is not accepted/,
    ],
    [
      "POST",
      "/agents/run",
      { agent_config: { core_app: { ref: "ana/helper" } } },
      /"agent_config" is not accepted/,
    ],
    [
      "POST",
      "/agents/run",
      { agent: "eve/x", chat_id: CHAT },
      /not in this proxy's allowedEndpoints/,
    ],
    ["POST", "/chats", {}, /"agent" is required/],
    ["POST", "/chats", { Agent: "eve/x" }, /not in this proxy's allowedEndpoints/],
    ["POST", `/chats/${CHAT}/agent`, { agent: "eve/x" }, /not in this proxy's allowedEndpoints/],
    ["GET", "/agents/eve/x", undefined, /agent "eve\/x" is not in this proxy's allowedEndpoints/],
  ];

  it("refuses what names another app or agent, or bypasses the name", async () => {
    const { send, relayed } = policyProxy(only);
    for (const [method, path, body, message] of refused) {
      const { status, problem } = await send(method, path, body);
      assert.equal(status, 403, JSON.stringify(body));
      assert.match(problem!.detail, message);
      if (problem!.code === "app_not_allowed") assert.equal(problem!.option, "allowedEndpoints");
    }
    assert.equal(relayed.length, 0);
  });

  it("refuses a pattern that is not a namespace/name when the proxy is created", () => {
    for (
      const pattern of ["*", "ana", "app/ana/helper", "", "ana/helper:fn", "ana/*@v*", "ana/", 7]
    ) {
      assert.throws(
        () => createProxy({ apiKey: "k", allowedEndpoints: [pattern as string] }),
        (e: unknown) =>
          e instanceof TypeError && /is not a namespace\/name pattern/.test(e.message),
        String(pattern),
      );
    }
  });
});

describe("proxy policy: exactRefs", () => {
  it("pins whole refs, version included", async () => {
    const { send, relayed } = policyProxy({
      allowedEndpoints: ["ana/helper", "bob/model@v2"],
      exactRefs: true,
    });
    assert.equal((await send("POST", "/chats", { agent: "ana/helper" })).status, 200);
    assert.equal((await send("POST", "/chats", { agent: "bob/model@v2" })).status, 200);
    assert.equal((await send("GET", "/agents/ana/helper")).status, 200);
    for (const agent of ["ana/helper@v1", "bob/model", "bob/model@v3", "agent/ana/helper"]) {
      assert.equal((await send("POST", "/chats", { agent })).status, 403, agent);
    }
    assert.equal((await send("GET", "/agents/ana/helper@v1")).status, 403);
    assert.equal(relayed.length, 3);
  });

  it("refuses an entry that is not a ref when the proxy is created", () => {
    for (const pattern of ["ana/*", "ana", ""]) {
      assert.throws(
        () => createProxy({ apiKey: "k", allowedEndpoints: [pattern], exactRefs: true }),
        /is not (an app or agent ref|a namespace\/name pattern)/,
      );
    }
  });
});

describe("proxy policy: the target's form and the request's origin", () => {
  it("takes the __inf_target query parameter on GET only", async () => {
    const { send, relayed } = policyProxy();
    assert.equal(
      (await send("GET", `/tasks/${TASK}/stream`, undefined, { query: true })).status,
      200,
    );
    const post = await send("POST", "/apps/run", { app: "a/b" }, { query: true });
    assert.deepEqual([post.status, post.problem?.code], [403, "target_not_allowed"]);
    assert.match(post.problem!.detail, /GET only/);
    assert.equal((await send("GET", "/secrets", undefined, { query: true })).status, 403);
    assert.equal(relayed.length, 1);
  });

  it("refuses the cross-site text/plain POST a page can send without a preflight", async () => {
    const { send, relayed } = policyProxy();
    const headers = {
      "content-type": "text/plain",
      cookie: "session=abc",
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    };
    const sent = await send("POST", "/apps/run", '{"app":"a/b"}', { headers, query: true });
    assert.equal(sent.status, 403);
    // Even with the header form, the origin is checked.
    const header = await send("POST", "/apps/run", '{"app":"a/b"}', { headers });
    assert.deepEqual([header.status, header.problem?.code], [403, "origin_not_allowed"]);
    assert.equal(header.problem?.option, "allowedOrigins");
    assert.equal(relayed.length, 0);
  });

  it("checks Origin and Sec-Fetch-Site on every non-GET, against its own origin and allowedOrigins", async () => {
    const { send, relayed } = policyProxy({ allowedOrigins: ["https://other.example"] });
    const run = (headers: Record<string, string>) =>
      send("POST", `/tasks/${TASK}/cancel`, undefined, { headers }).then((r) => r.status);
    assert.equal(await run({ origin: "https://app.example" }), 200);
    assert.equal(await run({ origin: "https://other.example" }), 200);
    assert.equal(await run({ "sec-fetch-site": "same-origin" }), 200);
    assert.equal(await run({}), 200, "no browser headers: a server-side client");
    assert.equal(await run({ origin: "https://evil.example" }), 403);
    assert.equal(await run({ origin: "null" }), 403);
    assert.equal(await run({ origin: "https://app.example.evil" }), 403);
    assert.equal(await run({ "sec-fetch-site": "cross-site" }), 403);
    assert.equal(await run({ "sec-fetch-site": "same-site" }), 403);
    assert.equal(relayed.length, 4);
    // GETs are reads: not checked.
    const get = await send("GET", `/tasks/${TASK}`, undefined, {
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    assert.equal(get.status, 200);
  });

  it("lets any origin through with allowedOrigins: ['*'], and refuses entries that are no origin", async () => {
    const { send } = policyProxy({ allowedOrigins: ["*"] });
    const headers = { origin: "https://evil.example" };
    assert.equal((await send("POST", `/tasks/${TASK}/cancel`, undefined, { headers })).status, 200);
    for (const entry of ["app.example", "https://app.example/path", "null", ""]) {
      assert.throws(() => createProxy({ apiKey: "k", allowedOrigins: [entry] }), /allowedOrigins/);
    }
  });
});

describe("proxy CORS for allowedOrigins", () => {
  const proxy = createProxy({
    apiKey: "k",
    allowedOrigins: ["https://other.example"],
    fetch: () => Promise.resolve(Response.json({})),
  });
  const preflight = (origin: string) =>
    proxy(
      new Request(PROXY, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-inf-target-url, cookie, x-evil",
        },
      }),
    );

  it("answers the preflight of a listed origin with the methods and the headers it relays", async () => {
    const response = await preflight("https://other.example");
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://other.example");
    assert.equal(response.headers.get("access-control-allow-credentials"), "true");
    assert.equal(
      response.headers.get("access-control-allow-headers"),
      "content-type, x-inf-target-url",
    );
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /POST/);
  });

  it("answers no other origin's preflight, and marks answers readable for listed origins only", async () => {
    const refused = await preflight("https://evil.example");
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get("access-control-allow-origin"), null);
    await refused.body?.cancel();
    const cancel = (origin: string) =>
      proxy(
        new Request(PROXY, {
          method: "POST",
          headers: { origin, "x-inf-target-url": `${API}/tasks/${TASK}/cancel` },
        }),
      );
    const listed = await cancel("https://other.example");
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get("access-control-allow-origin"), "https://other.example");
    await listed.body?.cancel();
    const own = await cancel("https://app.example");
    assert.equal(own.status, 200);
    assert.equal(own.headers.get("access-control-allow-origin"), null);
    await own.body?.cancel();
  });
});

describe("proxy policy: isAuthenticated and allowUnauthorizedRequests", () => {
  it("answers 401 when isAuthenticated says no, and hands it the request", async () => {
    const seen: Request[] = [];
    const { send, relayed } = policyProxy({
      isAuthenticated: (request) => {
        seen.push(request);
        return Promise.resolve(false);
      },
    });
    const { status, problem } = await send("GET", `/tasks/${TASK}`);
    assert.deepEqual([status, problem?.code], [401, "unauthorized"]);
    assert.ok(seen[0] instanceof Request);
    assert.equal(relayed.length, 0);
  });

  it("forwards when isAuthenticated says yes; both hooks must agree when both are given", async () => {
    assert.equal(
      (await policyProxy({ isAuthenticated: () => true }).send("GET", `/tasks/${TASK}`)).status,
      200,
    );
    const both = policyProxy({ isAuthenticated: () => true, authorize: () => false });
    assert.equal((await both.send("GET", `/tasks/${TASK}`)).status, 401);
  });

  it("refuses everything with allowUnauthorizedRequests: false and no hook", async () => {
    const { send, relayed } = policyProxy({ allowUnauthorizedRequests: false });
    const { status, problem } = await send("GET", `/tasks/${TASK}`);
    assert.equal(status, 401);
    assert.match(problem!.detail, /allowUnauthorizedRequests: false/);
    assert.equal(relayed.length, 0);
    const hooked = policyProxy({ allowUnauthorizedRequests: false, isAuthenticated: () => true });
    assert.equal((await hooked.send("GET", `/tasks/${TASK}`)).status, 200);
  });
});
