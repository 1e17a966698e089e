import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  agentTool,
  appTool,
  array,
  boolean,
  callTool,
  enumOf,
  httpTool,
  integer,
  internalTools,
  lifecycleHook,
  mcpTool,
  number,
  object,
  optional,
  string,
  tool,
  webhookTool,
  withJsonSchema,
} from "../../mod.ts";
import type { StandardSchemaV1, ToolCallContext } from "../../src/types.ts";
import { bodies, setup } from "./_setup.ts";

// The JSON the official SDK's builders produce, as captured in docs/protocol.md §7.10.
const CAPTURED = {
  client:
    `{"name":"get_weather","display_name":"Weather","description":"Get current weather","type":"client","require_approval":true,
 "client":{"input_schema":{"type":"object","properties":{
   "city":{"type":"string","description":"City name"},
   "days":{"type":"integer","description":"Days"},
   "opts":{"type":"object","description":"Options","properties":{
       "metric":{"type":"boolean","description":"Metric"},
       "tags":{"type":"array","items":{"type":"string","description":"tag"}}},
     "required":["metric","tags"]}},
  "required":["city","opts"]}}}`,
  app: `{"name":"gen","display_name":"gen","description":"Generate","type":"app",
 "app":{"ref":"infsh/flux@abc","function":"generate","session_enabled":true,"setup":{"model":"schnell"},"input":{"steps":4}}}`,
  agent:
    `{"name":"researcher","display_name":"researcher","description":"Research","type":"agent","agent":{"ref":"acme/research@v1"}}`,
  hook: `{"name":"notify","display_name":"notify","description":"Notify","type":"hook",
 "hook":{"url":"https://example.com/hook","secret":"HOOK_SECRET","input_schema":{"type":"object","properties":{"msg":{"type":"string","description":"Message"}},"required":["msg"]}}}`,
  http: `{"name":"fetch","display_name":"fetch","description":"","type":"http",
 "http":{"url":"https://api.example.com/data","method":"GET","auth":{"type":"api_key","secret":"MY_KEY","header":"X-API-Key"},
         "headers":{"Accept":"application/json"},"input_schema":{"type":"object","properties":{"q":{"type":"number","description":"Query"}},"required":["q"]}}}`,
  mcp:
    `{"name":"notion_search","display_name":"notion_search","description":"Search","type":"mcp","mcp":{"integration_id":"integ_1","tool_name":"search"}}`,
  lifecycleHook:
    `{"event":"agent.turn_start","type":"webhook","handler":"https://example.com/on-turn","async":true,"timeout":10}`,
};

/** The exact JSON text (key order included) of a captured sample. */
function exact(captured: string): string {
  return JSON.stringify(JSON.parse(captured));
}

const CONTEXT: ToolCallContext = {
  id: "tinv_1",
  name: "t",
  chatId: "chat_1",
  signal: new AbortController().signal,
};

function capturedTools() {
  return {
    client: tool("get_weather")
      .displayName("Weather")
      .description("Get current weather")
      .requireApproval()
      .params({
        city: string("City name"),
        days: optional(integer("Days")),
        opts: object({ metric: boolean("Metric"), tags: array(string("tag")) }, "Options"),
      })
      .handler(() => "sunny")
      .build(),
    app: appTool("gen", "infsh/flux@abc")
      .describe("Generate")
      .function("generate")
      .sessionEnabled()
      .setup({ model: "schnell" })
      .input({ steps: 4 })
      .build(),
    agent: agentTool("researcher", "acme/research@v1").description("Research").build(),
    hook: webhookTool("notify", "https://example.com/hook")
      .description("Notify")
      .secret("HOOK_SECRET")
      .params({ msg: string("Message") })
      .build(),
  };
}

describe("tool builders", () => {
  it("build exactly the JSON of docs/protocol.md §7.10, key order included", () => {
    const built = capturedTools();
    for (const kind of ["client", "app", "agent", "hook"] as const) {
      assert.equal(JSON.stringify(built[kind]), exact(CAPTURED[kind]), kind);
    }
  });

  it("send that JSON to the API, handlers stripped (A1)", async () => {
    using env = setup();
    const built = capturedTools();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [built.client, built.app, built.agent, built.hook],
    });
    await agent.sendMessage("hello");
    const [body] = bodies(env.emulator, "POST", "/agents/run") as {
      "agent_config": { tools: unknown[] };
    }[];
    assert.deepEqual(
      body!.agent_config.tools.map((t) => JSON.stringify(t)),
      [exact(CAPTURED.client), exact(CAPTURED.app), exact(CAPTURED.agent), exact(CAPTURED.hook)],
    );
  });

  it("keeps the handler on the built client tool only, never in its JSON", () => {
    const built = capturedTools().client;
    assert.equal(typeof built.handler, "function");
    assert.equal(JSON.stringify(built).includes("handler"), false);
    assert.equal("handler" in tool("x").build(), false);
    assert.ok(Object.isFrozen(built));
  });

  it('omit empty descriptions, default display_name to the name and description to ""', () => {
    const built = tool("ping").params({ a: string(), b: number("") }).build();
    assert.equal(
      JSON.stringify(built),
      `{"name":"ping","display_name":"ping","description":"","type":"client","client":{"input_schema":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}},"required":["a","b"]}}}`,
    );
  });

  it("write enums, nested required lists only when non-empty, and required: [] at the top", () => {
    const built = tool("t").params({
      unit: optional(enumOf(["c", "f"], "Unit")),
      nested: optional(object({ x: optional(integer()) })),
    }).build();
    assert.deepEqual(built.client.input_schema, {
      type: "object",
      properties: {
        unit: { type: "string", description: "Unit", enum: ["c", "f"] },
        nested: { type: "object", properties: { x: { type: "integer" } } },
      },
      required: [],
    });
  });

  it("build internal tools like the official SDK", () => {
    assert.equal(
      JSON.stringify(internalTools().all().build()),
      `{"plan":true,"memory":true,"widget":true,"finish":true}`,
    );
    assert.equal(
      JSON.stringify(internalTools().none().build()),
      `{"plan":false,"memory":false,"widget":false,"finish":false}`,
    );
    assert.equal(
      JSON.stringify(internalTools().none().meta().build()),
      `{"plan":false,"memory":false,"widget":false,"finish":false,"meta":true}`,
    );
    assert.deepEqual(internalTools().memory().finish().plan(false).build(), {
      memory: true,
      finish: true,
      plan: false,
    });
  });

  it("describe zod parameters with zod's own JSON Schema, without $schema", () => {
    const built = tool("get_weather")
      .params(z.object({ city: z.string().describe("City name"), days: z.number().optional() }))
      .build();
    assert.deepEqual(built.client.input_schema, {
      type: "object",
      properties: { city: { type: "string", description: "City name" }, days: { type: "number" } },
      required: ["city"],
    });
    assert.equal("$schema" in built.client.input_schema, false);
  });

  it("add parameters one by one with .param()", () => {
    const built = tool("t").param("a", string("A")).param("b", optional(boolean())).build();
    assert.deepEqual(built.client.input_schema, {
      type: "object",
      properties: { a: { type: "string", description: "A" }, b: { type: "boolean" } },
      required: ["a"],
    });
  });
});

describe("built client tool handlers", () => {
  it("check the model's arguments against helper params before the handler runs", async () => {
    let ran = 0;
    const built = tool("t")
      .params({
        city: string(),
        days: optional(integer()),
        unit: enumOf(["c", "f"]),
        tags: array(string()),
      })
      .handler(() => ++ran)
      .build();
    await assert.rejects(
      async () => await built.handler!({ city: 3, days: 1.5, unit: "k", tags: [1] }, CONTEXT),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^Invalid arguments for tool "t": /);
        for (
          const part of [
            "city: expected string",
            "days: expected integer",
            "unit: expected one of",
            "tags.0",
          ]
        ) {
          assert.ok(error.message.includes(part), `${error.message} mentions ${part}`);
        }
        return true;
      },
    );
    await assert.rejects(
      async () => await built.handler!({ unit: "c", tags: [] }, CONTEXT),
      /city: required/,
    );
    assert.equal(ran, 0);
    assert.equal(await built.handler!({ city: "Oslo", unit: "c", tags: ["a"] }, CONTEXT), 1);
  });

  it("validate with a Standard Schema and hand the parsed value to the handler", async () => {
    const built = tool("t")
      .params(z.object({ n: z.coerce.number().int() }))
      .handler(({ n }) => n * 2)
      .build();
    assert.equal(await built.handler!({ n: "21" }, CONTEXT), 42);
    await assert.rejects(
      async () => await built.handler!({ n: "x" }, CONTEXT),
      /Invalid arguments for tool "t": n:/,
    );
  });

  it("accept any Standard Schema with withJsonSchema()", async () => {
    const positive: StandardSchemaV1<{ n: number }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) => {
          const n = (value as { n?: unknown } | null)?.n;
          return typeof n === "number" && n > 0
            ? { value: { n } }
            : { issues: [{ message: "must be positive", path: ["n"] }] };
        },
      },
    };
    assert.throws(() => tool("t").params(positive), /cannot describe itself as JSON Schema/);
    const json = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
    const built = tool("t").params(withJsonSchema(positive, json)).handler(({ n }) => n).build();
    assert.deepEqual(built.client.input_schema, json);
    assert.equal(await built.handler!({ n: 2 }, CONTEXT), 2);
    await assert.rejects(
      async () => await built.handler!({ n: -1 }, CONTEXT),
      /n: must be positive/,
    );
  });
});

describe("tool builder input checks", () => {
  it("throw TypeErrors naming the argument, at build time", () => {
    assert.throws(() => tool(""), /'name'/);
    assert.throws(() => appTool("gen", "flux"), /'appRef'/);
    assert.throws(() => agentTool("a", "a b/c"), /'agentRef'/);
    assert.throws(() => webhookTool("w", "ftp://example.com"), /'url'/);
    assert.throws(() => enumOf([]), /'values'/);
    assert.throws(() => array("string" as never), /'items'/);
    assert.throws(() => tool("t").params({ city: "string" } as never), /'params.city'/);
    assert.throws(() => tool("t").handler("x" as never), /'handler'/);
    assert.throws(() => tool("t").description(1 as never), /'description'/);
    assert.throws(() => internalTools().plan("yes" as never), /'plan'/);
    assert.throws(() => appTool("gen", "a/b").setup([] as never), /'setup'/);
    assert.throws(
      () => tool("t").params(z.object({ a: z.string() })).param("b", string()),
      /extend that schema/,
    );
  });
});

function capturedNewTools() {
  return {
    http: httpTool("fetch")
      .url("https://api.example.com/data")
      .method("GET")
      .auth({ type: "api_key", secret: "MY_KEY", header: "X-API-Key" })
      .headers({ Accept: "application/json" })
      .params({ q: number("Query") })
      .build(),
    mcp: mcpTool("notion_search", "integ_1", "search").description("Search").build(),
    lifecycleHook: lifecycleHook("agent.turn_start")
      .webhook("https://example.com/on-turn")
      .async()
      .timeout(10)
      .build(),
  };
}

/** The keys of every object in `value`, depth first, in order: a key-by-key comparison. */
function keyPaths(value: unknown, path = ""): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    `${path}${key}`,
    ...keyPaths(inner, `${path}${key}.`),
  ]);
}

describe("http, mcp and lifecycle hook builders", () => {
  it("build exactly the JSON of docs/protocol.md §7.10, key order included", () => {
    const built = capturedNewTools();
    for (const kind of ["http", "mcp", "lifecycleHook"] as const) {
      assert.deepEqual(keyPaths(built[kind]), keyPaths(JSON.parse(CAPTURED[kind])), kind);
      assert.equal(JSON.stringify(built[kind]), exact(CAPTURED[kind]), kind);
    }
  });

  it("reject a hook without an event or type, naming it", () => {
    using env = setup();
    assert.throws(
      () =>
        env.client.agents.create({
          coreApp: "infsh/emulated-llm",
          hooks: [{ handler: "https://example.com" } as never],
        }),
      /'hooks\[0\]'/,
    );
  });

  it("send them in agent_config unchanged, tools and hooks alike", async () => {
    using env = setup();
    const built = capturedNewTools();
    // Passed unbuilt: the SDK builds it, as it does tool builders.
    const gate = lifecycleHook("agent.tool_call").gate("deny").timeout(300);
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [built.http, built.mcp],
      hooks: [built.lifecycleHook, gate],
    });
    await agent.sendMessage("hello");
    const [body] = bodies(env.emulator, "POST", "/agents/run") as {
      "agent_config": { tools: unknown[]; hooks: unknown[] };
    }[];
    assert.deepEqual(
      body!.agent_config.tools.map((t) => JSON.stringify(t)),
      [exact(CAPTURED.http), exact(CAPTURED.mcp)],
    );
    assert.deepEqual(
      body!.agent_config.hooks.map((h) => JSON.stringify(h)),
      [
        exact(CAPTURED.lifecycleHook),
        `{"event":"agent.tool_call","type":"gate","timeout":300,"default_resolution":"deny"}`,
      ],
    );
  });

  it("omit the method when POST, headers when empty, auth when unset; input_schema always", () => {
    const built = httpTool("post_it", "https://api.example.com/items").method("post").build();
    assert.equal(
      JSON.stringify(built),
      `{"name":"post_it","display_name":"post_it","description":"","type":"http","http":{"url":"https://api.example.com/items","input_schema":{"type":"object","properties":{},"required":[]}}}`,
    );
    assert.equal(httpTool("p", "https://a.example").method("PUT").build().http.method, "PUT");
  });

  it("emit callTool() as type http, with the common fields", () => {
    const built = callTool("ping", "https://api.example.com/ping")
      .displayName("Ping")
      .description("Ping it")
      .requireApproval()
      .build();
    assert.equal(
      JSON.stringify(built),
      `{"name":"ping","display_name":"Ping","description":"Ping it","type":"http","require_approval":true,"http":{"url":"https://api.example.com/ping","input_schema":{"type":"object","properties":{},"required":[]}}}`,
    );
  });

  it("write the three auth variants in the API's key order, from either spelling", () => {
    const auth = (input: Parameters<ReturnType<typeof httpTool>["auth"]>[0]) =>
      JSON.stringify(httpTool("t", "https://a.example").auth(input).build().http.auth);
    const integration = `{"type":"integration","provider":"google","integration_id":"integ_1"}`;
    assert.equal(
      auth({ "integration_id": "integ_1", provider: "google", type: "integration" }),
      integration,
    );
    assert.equal(auth({ integration: "google", integrationId: "integ_1" }), integration);
    assert.equal(auth({ integration: "google" }), `{"type":"integration","provider":"google"}`);
    const apiKey = `{"type":"api_key","secret":"MY_KEY","header":"X-API-Key"}`;
    assert.equal(auth({ header: "X-API-Key", secret: "MY_KEY", type: "api_key" }), apiKey);
    assert.equal(auth({ type: "api_key", secret: "MY_KEY" }), apiKey);
    assert.equal(auth({ apiKey: "MY_KEY" }), apiKey);
    assert.equal(
      auth({ apiKey: "MY_KEY", header: "X-Token" }),
      `{"type":"api_key","secret":"MY_KEY","header":"X-Token"}`,
    );
    const bearer = `{"type":"bearer","secret":"MY_TOKEN"}`;
    assert.equal(auth({ type: "bearer", secret: "MY_TOKEN" }), bearer);
    assert.equal(auth({ bearer: "MY_TOKEN" }), bearer);
  });

  it("describe http parameters from helpers, one by one, or a Standard Schema", () => {
    const fromZod = httpTool("t", "https://a.example")
      .params(z.object({ q: z.string().describe("Query") }))
      .build();
    const fromParam = httpTool("t", "https://a.example").param("q", string("Query")).build();
    const expected = {
      type: "object",
      properties: { q: { type: "string", description: "Query" } },
      required: ["q"],
    };
    assert.deepEqual(fromZod.http.input_schema, expected);
    assert.deepEqual(fromParam.http.input_schema, expected);
  });

  it("add headers one by one or together, the last value of a name winning", () => {
    const built = httpTool("t", "https://a.example")
      .header("Accept", "text/plain")
      .headers({ "X-One": "1", Accept: "application/json" })
      .build();
    assert.deepEqual(built.http.headers, { Accept: "application/json", "X-One": "1" });
  });

  it("build task and gate hooks; async and timeout only when set; the last handler wins", () => {
    assert.equal(
      JSON.stringify(lifecycleHook("agent.complete").task("acme/reviewer@v1").build()),
      `{"event":"agent.complete","type":"task","handler":"acme/reviewer@v1"}`,
    );
    assert.equal(
      JSON.stringify(lifecycleHook("agent.start").gate().build()),
      `{"event":"agent.start","type":"gate"}`,
    );
    assert.equal(
      JSON.stringify(
        lifecycleHook("agent.idle").gate("allow").webhook("https://example.com/x").async(false)
          .build(),
      ),
      `{"event":"agent.idle","type":"webhook","handler":"https://example.com/x","async":false}`,
    );
    assert.equal(
      JSON.stringify(
        lifecycleHook("agent.pre_compact").webhook("https://example.com/x").gate("allow").build(),
      ),
      `{"event":"agent.pre_compact","type":"gate","default_resolution":"allow"}`,
    );
  });

  it("throw TypeErrors naming the argument", () => {
    assert.throws(() => httpTool(""), /'name'/);
    assert.throws(() => callTool("t", "not a url"), /'url'/);
    assert.throws(() => httpTool("t").url("ftp://example.com"), /'url'/);
    assert.throws(() => httpTool("t").build(), /'url'.*httpTool\(name, url\)/);
    assert.throws(() => httpTool("t").method("TRACE" as never), /'method'/);
    assert.throws(() => httpTool("t").auth({ type: "basic" } as never), /'auth.type'/);
    assert.throws(() => httpTool("t").auth({} as never), /'auth.type'/);
    assert.throws(() => httpTool("t").auth({ type: "bearer" } as never), /'auth.secret'/);
    assert.throws(() => httpTool("t").auth({ integration: "" }), /'auth.integration'/);
    assert.throws(() => httpTool("t").auth({ apiKey: "K", bearer: "T" } as never), /'auth'/);
    assert.throws(() => httpTool("t").headers({ "bad name": "x" }), /'headers.bad name'/);
    assert.throws(() => httpTool("t").header("X-A", 1 as never), /'headers.X-A'/);
    assert.throws(() => httpTool("t").params({ q: "number" } as never), /'params.q'/);
    assert.throws(() => mcpTool("", "integ_1", "search"), /'name'/);
    assert.throws(() => mcpTool("s", "", "search"), /'integrationId'/);
    assert.throws(() => mcpTool("s", "integ_1", undefined as never), /'toolName'/);
    assert.throws(() => lifecycleHook("agent.begin" as never), /'event'.*agent\.turn_start/);
    assert.throws(() => lifecycleHook("agent.start").webhook("nope"), /'url'/);
    assert.throws(() => lifecycleHook("agent.start").task("reviewer"), /'agentRef'/);
    assert.throws(() => lifecycleHook("agent.start").gate("maybe" as never), /'defaultResolution'/);
    assert.throws(() => lifecycleHook("agent.start").timeout(0), /'timeout'/);
    assert.throws(() => lifecycleHook("agent.start").timeout(1.5), /'timeout'/);
    assert.throws(() => lifecycleHook("agent.start").async("yes" as never), /'async'/);
    assert.throws(() => lifecycleHook("agent.start").build(), /'handler'/);
  });
});
