import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { string, tool } from "../../mod.ts";
import type { ToolCall, ToolCallContext } from "../../src/types.ts";
import { bodies, calls, openStreams, setup } from "./_setup.ts";

const WEATHER = "What is the weather in Paris?";

describe("client tools", () => {
  it("run the handler once with typed arguments, submit {result}, quote it, tell onToolCall", async () => {
    using env = setup();
    const seen: { city: string; context: ToolCallContext }[] = [];
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather")
          .description("Get current weather")
          .params(z.object({ city: z.string().describe("City name") }))
          .handler(({ city }, context) => {
            seen.push({ city, context });
            return { city, celsius: 21 };
          })
          .build(),
      ],
    });
    const toolCalls: ToolCall[] = [];
    const reply = await agent.sendMessage(WEATHER, { onToolCall: (call) => toolCalls.push(call) });

    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.city, "Paris");
    assert.equal(seen[0]!.context.name, "get_weather");
    assert.equal(seen[0]!.context.chatId, reply.chatId);
    const id = seen[0]!.context.id;
    assert.deepEqual(
      env.emulator.requests.filter((r) => r.path === `/tools/${id}`).map((r) => r.body),
      [`{"result":"{\\"city\\":\\"Paris\\",\\"celsius\\":21}"}`],
    );
    assert.equal(
      reply.text,
      `Let me call get_weather. The get_weather tool returned: {"city":"Paris","celsius":21}`,
    );
    assert.equal(toolCalls.length, 1);
    assert.deepEqual(
      { ...toolCalls[0]!, invocation: undefined },
      {
        id,
        name: "get_weather",
        args: { city: "Paris" },
        handled: true,
        requiresApproval: false,
        result: `{"city":"Paris","celsius":21}`,
        isError: false,
        invocation: undefined,
      },
    );
    const invocation = (await agent.getChat())!.chat_messages!.at(-1)!.tool_invocations![0]!;
    assert.equal(invocation.status, "completed");
    assert.equal(invocation.result, `{"city":"Paris","celsius":21}`);
    assert.equal(openStreams(env.emulator), 0);
  });

  it("send a throwing handler's error back to the model as the result; the turn goes on", async () => {
    using env = setup();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather").params({ city: string("City") }).handler(() => {
          throw new Error("weather service down");
        }).build(),
      ],
    });
    const toolCalls: ToolCall[] = [];
    const reply = await agent.sendMessage(WEATHER, { onToolCall: (call) => toolCalls.push(call) });
    const error = JSON.stringify({ error: `Tool "get_weather" failed: weather service down` });
    assert.deepEqual(bodies(env.emulator, "POST", `/tools/${toolCalls[0]!.id}`), [{
      result: error,
    }]);
    assert.equal(toolCalls[0]!.isError, true);
    assert.equal(toolCalls[0]!.handled, true);
    assert.ok(reply.text.endsWith(`returned: ${error}`), reply.text);
  });

  it("check the model's arguments first: invalid ones become an error result, the handler never runs", async () => {
    using env = setup();
    let ran = 0;
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather")
          // The JSON Schema cannot say "not Paris": the model sends Paris, the check refuses it.
          .params(
            z.object({ city: z.string().refine((city) => city !== "Paris", "Paris is closed") }),
          )
          .handler(() => ++ran)
          .build(),
      ],
    });
    const toolCalls: ToolCall[] = [];
    const reply = await agent.sendMessage(WEATHER, { onToolCall: (call) => toolCalls.push(call) });
    assert.equal(ran, 0);
    const [body] = bodies(env.emulator, "POST", `/tools/${toolCalls[0]!.id}`) as {
      result: string;
    }[];
    assert.deepEqual(JSON.parse(body!.result), {
      error: `Invalid arguments for tool "get_weather": city: Paris is closed`,
    });
    assert.equal(toolCalls[0]!.isError, true);
    assert.match(reply.text, /Paris is closed/);
  });

  it("leave tools that need approval to the caller, even with a handler", async () => {
    using env = setup();
    let ran = 0;
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather").params({ city: string("City") }).requireApproval().handler(() => ++ran)
          .build(),
      ],
    });
    const toolCalls: ToolCall[] = [];
    const reply = await agent.sendMessage(WEATHER, {
      onToolCall: async (call) => {
        toolCalls.push(call);
        await agent.submitToolResult(call.id, "approved: 18 degrees");
      },
    });
    assert.equal(ran, 0);
    assert.equal(toolCalls.length, 1);
    assert.equal(toolCalls[0]!.handled, false);
    assert.equal(toolCalls[0]!.requiresApproval, true);
    assert.equal(toolCalls[0]!.invocation.status, "awaiting_approval");
    assert.deepEqual(toolCalls[0]!.args, { city: "Paris" });
    assert.deepEqual(bodies(env.emulator, "POST", `/tools/${toolCalls[0]!.id}`), [{
      result: "approved: 18 degrees",
    }]);
    assert.ok(reply.text.endsWith("returned: approved: 18 degrees"), reply.text);
  });

  it("leave tools without a handler to the caller; an action object is sent as JSON text", async () => {
    using env = setup();
    // The template declares a client tool get_weather; this process has no handler for it.
    const agent = env.client.agents.create("my-org/weather@v1");
    const action = { action: { type: "confirm", payload: { a: 1 } }, "form_data": { name: "J" } };
    const toolCalls: ToolCall[] = [];
    const reply = await agent.sendMessage("Weather in Lisbon please", {
      onToolCall: async (call) => {
        toolCalls.push(call);
        await env.client.agents.submitToolResult(call.id, action);
      },
    });
    assert.deepEqual(toolCalls.map((c) => [c.name, c.handled, c.requiresApproval, c.args]), [
      ["get_weather", false, false, { city: "Lisbon" }],
    ]);
    const raw = env.emulator.requests.find((r) => r.path === `/tools/${toolCalls[0]!.id}`)!.body;
    assert.equal(
      raw,
      `{"result":"{\\"action\\":{\\"type\\":\\"confirm\\",\\"payload\\":{\\"a\\":1}},\\"form_data\\":{\\"name\\":\\"J\\"}}"}`,
    );
    assert.ok(reply.text.endsWith(`returned: ${JSON.stringify(action)}`), reply.text);
  });

  it("answer a tool nobody can handle with not_available instead of waiting forever", {
    timeout: 10_000,
  }, async () => {
    using env = setup();
    // The template declares get_weather; there is no handler here and no onToolCall.
    const agent = env.client.agents.create("my-org/weather@v1");
    const reply = await agent.sendMessage("Weather in Lisbon please");
    const submitted = env.emulator.requests.filter((r) => r.path.startsWith("/tools/"));
    assert.equal(submitted.length, 1);
    const result = JSON.parse(JSON.parse(submitted[0]!.body).result);
    assert.equal(result.status, "not_available");
    assert.match(result.message, /get_weather/);
    assert.match(reply.text, /not_available/);
  });

  it("fail the turn, stop it on the server, and close the stream, when onToolCall throws", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/weather@v1");
    const oops = new Error("caller bug");
    await assert.rejects(
      agent.sendMessage(WEATHER, {
        onToolCall: () => {
          throw oops;
        },
      }),
      (error) => error === oops,
    );
    assert.equal(openStreams(env.emulator), 0);
    assert.ok(calls(env.emulator).every((call) => !call.startsWith("POST /tools/")));
    // The agent would wait for that tool's result forever: the turn was stopped first.
    assert.ok(calls(env.emulator).includes(`POST /chats/${agent.chatId}/stop`));
  });
});
