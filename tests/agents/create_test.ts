import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { type AgentConfig, internalTools, string, tool } from "../../mod.ts";
import { bodies, calls, setup } from "./_setup.ts";

type RunBody = Record<string, unknown> & {
  "agent_config"?: Record<string, unknown>;
  input: Record<string, unknown>;
};

/** Sends one message with `config` and returns the body of `POST /agents/run`. */
async function firstBody(config: AgentConfig | string, options = {}): Promise<RunBody> {
  using env = setup();
  const agent = typeof config === "string"
    ? env.client.agents.create(config, options)
    : env.client.agents.create(config, options);
  await agent.sendMessage("Hello");
  return bodies(env.emulator, "POST", "/agents/run")[0] as RunBody;
}

describe("agents.create()", () => {
  it("sends nothing until the first message", () => {
    using env = setup();
    env.client.agents.create("my-org/assistant@abc123");
    env.client.agents.create({ coreApp: "infsh/emulated-llm" });
    assert.deepEqual(calls(env.emulator), []);
  });

  it("makes a template agent: agent ref, chat_id null, the fixed input fields (docs/protocol.md §7.2)", async () => {
    const body = await firstBody("my-org/assistant@abc123", {
      context: { tenant: "t1" },
      name: "support",
    });
    assert.equal(
      JSON.stringify(body),
      JSON.stringify({
        "chat_id": null,
        agent: "my-org/assistant@abc123",
        "agent_name": "support",
        context: { tenant: "t1" },
        input: { text: "Hello", role: "user", context: [], "system_prompt": "", "context_size": 0 },
      }),
    );
  });

  it("makes an ad-hoc agent in the wire form of docs/protocol.md §7.2", async () => {
    const body = await firstBody({
      coreApp: "infsh/claude@abc",
      systemPrompt: "Be brief",
      tools: [
        tool("get_weather").description("Get weather").params({ city: string("City") })
          .handler(() => "sunny").build(),
      ],
      internalTools: { memory: true },
      outputSchema: { type: "object" },
      name: "weather-bot",
    });
    assert.deepEqual(body, {
      "chat_id": null,
      "agent_config": {
        "core_app": { ref: "infsh/claude@abc" },
        name: "weather-bot",
        "system_prompt": "Be brief",
        tools: [{
          name: "get_weather",
          "display_name": "get_weather",
          description: "Get weather",
          type: "client",
          client: {
            "input_schema": {
              type: "object",
              properties: { city: { type: "string", description: "City" } },
              required: ["city"],
            },
          },
        }],
        "internal_tools": { memory: true },
        "output_schema": { type: "object" },
      },
      "agent_name": "weather-bot",
      input: { text: "Hello", role: "user", context: [], "system_prompt": "", "context_size": 0 },
    });
  });

  it("sends the same body whichever key spelling is used", async () => {
    const weather = tool("get_weather").params({ city: string("City") }).build();
    const output = z.object({ summary: z.string() });
    const camel = await firstBody({
      coreApp: "infsh/emulated-llm@v1",
      systemPrompt: "Hi",
      internalTools: internalTools().finish(),
      outputSchema: output,
      examplePrompts: ["a"],
      tools: [weather],
    });
    const snake = await firstBody({
      "core_app": { ref: "infsh/emulated-llm@v1" },
      "system_prompt": "Hi",
      "internal_tools": { finish: true },
      "output_schema": output,
      "example_prompts": ["a"],
      tools: [weather],
    });
    assert.deepEqual(camel, snake);
    assert.deepEqual(camel["agent_config"]!["output_schema"], {
      type: "object",
      properties: { summary: { type: "string" } },
      required: ["summary"],
    });
  });

  it("builds tool builders given unbuilt, and unwraps the official SDK's { schema, handler } pairs", async () => {
    using env = setup();
    let called = 0;
    const legacy = {
      schema: tool("get_weather").params({ city: string("City") }).build(),
      handler: () => {
        called++;
        return "sunny";
      },
    };
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [legacy as never, tool("other").description("Other")],
    });
    const reply = await agent.sendMessage("What is the weather in Rome?");
    assert.equal(called, 1);
    assert.match(reply.text, /sunny/);
    const [body] = bodies(env.emulator, "POST", "/agents/run") as RunBody[];
    const tools = body!["agent_config"]!.tools as Record<string, unknown>[];
    assert.deepEqual(tools.map((t) => t.name), ["get_weather", "other"]);
    assert.equal("schema" in tools[0]!, false);
  });

  it("passes unknown keys through and drops undefined ones", async () => {
    const body = await firstBody({
      coreApp: { ref: "infsh/emulated-llm", setup: { temperature: 0 } },
      systemPrompt: undefined,
      skills: [{ name: "s", description: "d" }],
      ...{ "host_thing": 1 },
    } as AgentConfig);
    assert.deepEqual(body["agent_config"], {
      "core_app": { ref: "infsh/emulated-llm", setup: { temperature: 0 } },
      skills: [{ name: "s", description: "d" }],
      "host_thing": 1,
    });
  });

  it("rejects bad configuration with a TypeError naming the key, before any request", () => {
    using env = setup();
    const create = (config: unknown) => () => env.client.agents.create(config as AgentConfig);
    assert.throws(create("assistant"), /'agent'/);
    assert.throws(create(42), /'agent'/);
    assert.throws(create({}), /'coreApp' is required/);
    assert.throws(create({ coreApp: "claude" }), /'coreApp'/);
    assert.throws(create({ coreApp: { ref: 1 } }), /'coreApp.ref'/);
    assert.throws(
      create({ coreApp: "a/b", "core_app": { ref: "a/b" } }),
      /give 'coreApp' or 'core_app', not both/,
    );
    assert.throws(
      create({ systemPrompt: "a", "system_prompt": "b", coreApp: "a/b" }),
      /'systemPrompt' or 'system_prompt'/,
    );
    assert.throws(create({ coreApp: "a/b", systemPrompt: 1 }), /'system_prompt'/);
    assert.throws(create({ coreApp: "a/b", tools: {} }), /'tools'/);
    assert.throws(create({ coreApp: "a/b", tools: [{ type: "client" }] }), /'tools\[0\].name'/);
    assert.throws(create({ coreApp: "a/b", tools: [{ name: "x" }] }), /'tools\[0\].type'/);
    assert.throws(
      create({ coreApp: "a/b", tools: [tool("x").build(), tool("x").build()] }),
      /'tools\[1\]': a tool named "x"/,
    );
    assert.throws(create({ coreApp: "a/b", outputSchema: "json" }), /'outputSchema'/);
    assert.throws(
      create({ coreApp: "a/b", internalTools: { memory: "yes" } }),
      /'internalTools.memory'/,
    );
    assert.throws(
      () => env.client.agents.create("a/b", { context: { n: 1 } as never }),
      /'context.n'/,
    );
    assert.deepEqual(calls(env.emulator), []);
  });

  it("continues an existing chat given chatId", async () => {
    using env = setup();
    const first = await env.client.agents.create("my-org/assistant@abc123").sendMessage("one");
    const again = env.client.agents.create("my-org/assistant@abc123", { chatId: first.chatId });
    const second = await again.sendMessage("two");
    assert.equal(second.chatId, first.chatId);
    const sent = bodies(env.emulator, "POST", "/agents/run") as RunBody[];
    assert.equal(sent[1]!["chat_id"], first.chatId);
  });
});
