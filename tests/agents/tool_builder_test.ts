import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  agentTool,
  appTool,
  array,
  boolean,
  enumOf,
  integer,
  internalTools,
  number,
  object,
  optional,
  type StandardSchemaV1,
  string,
  tool,
  type ToolCallContext,
  webhookTool,
  withJsonSchema,
} from "../../mod.ts";
import { bodies, setup } from "./_setup.ts";

// The JSON the official SDK's builders produce, as captured in protocol §6.10.
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
  it("build exactly the JSON of protocol §6.10, key order included", () => {
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
