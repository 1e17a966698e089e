import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ClientOptions, inference, string, tool } from "../../mod.ts";
import type { ToolCall } from "../../src/types.ts";
import { createEmulator } from "../../src/testing/mod.ts";
import { RecordingClock } from "../_clock.ts";

function setup() {
  const emulator = createEmulator({ stepMs: 1, heartbeatMs: 5 });
  const client = (extra: Pick<ClientOptions, "clock"> = {}) =>
    inference({ apiKey: "k", fetch: emulator.fetch, ...extra });
  return { emulator, client, [Symbol.dispose]: () => emulator.close() };
}

describe("agents.wait()", () => {
  it("returns the busy chat when the time is up, without stopping it; the finished chat later", async () => {
    using env = setup();
    // Process A starts a turn whose client tool nobody answers yet: the turn waits.
    const agent = env.client().agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [tool("get_weather").description("Weather").params({ city: string("City") }).build()],
    });
    const called = Promise.withResolvers<ToolCall>();
    const chatSeen = Promise.withResolvers<string>();
    const turn = agent.sendMessage("What is the weather in Paris?", {
      onChat: (chat) => chatSeen.resolve(chat.id),
      onToolCall: (call) => called.resolve(call),
    });
    const chatId = await chatSeen.promise;
    const call = await called.promise;

    // Process B, by chat id only.
    const other = env.client();
    // On a clock that runs every wait at once, the wait's time is up without waiting.
    const snapshot = await env.client({ clock: new RecordingClock() }).agents.wait(chatId, {
      timeoutMs: 20,
      pollIntervalMs: 5,
    });
    assert.equal(snapshot.id, chatId);
    assert.equal(snapshot.status, "busy");
    assert.ok(!env.emulator.requests.some((r) => r.path.endsWith("/stop")));

    await other.agents.submitToolResult(call.id, JSON.stringify({ celsius: 18 }));
    const final = await other.agents.wait(chatId, { pollIntervalMs: 5 });
    assert.notEqual(final.status, "busy");
    const last = final.chat_messages?.at(-1);
    assert.equal(last?.role, "assistant");
    assert.match(JSON.stringify(last?.content), /celsius/);
    assert.match((await turn).text, /celsius/);
  });

  it("returns an idle chat at once, and refuses a bad timeoutMs before any request", async () => {
    using env = setup();
    const reply = await env.client().agents.create("my-org/assistant@abc123").sendMessage("Hi");
    const before = env.emulator.requests.length;
    const chat = await env.client().agents.wait(reply.chatId, { timeoutMs: 0 });
    assert.equal(chat.status, "idle");
    assert.ok(env.emulator.requests.length - before <= 3);
    const count = env.emulator.requests.length;
    for (const bad of [-5, Number.NaN]) {
      await assert.rejects(
        env.client().agents.wait(reply.chatId, { timeoutMs: bad }),
        RangeError,
      );
    }
    assert.equal(env.emulator.requests.length, count);
  });
});
