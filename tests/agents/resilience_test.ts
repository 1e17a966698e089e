import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { AgentTurnError, StreamError, string, tool } from "../../mod.ts";
import type { ChatDelta } from "../../src/types.ts";
import { TurnGate } from "../../src/agents/turn_gate.ts";
import { bodies, calls, chatSubscribers, FAST, openStreams, setup, until } from "./_setup.ts";

const LONG = "Please tell me a rather long story about a lighthouse keeper and the sea";

/** Sends `text`, recording the streamed text; returns the reply and that text. */
async function streamed(
  agent: ReturnType<ReturnType<typeof setup>["client"]["agents"]["create"]>,
  text: string,
  options: Parameters<typeof agent.sendMessage>[1] = {},
) {
  const deltas: ChatDelta[] = [];
  let soFar = "";
  const reply = await agent.sendMessage(text, {
    ...FAST,
    ...options,
    onDelta: (delta, accumulated) => {
      deltas.push(delta);
      soFar = accumulated.response;
    },
  });
  return { reply, deltas, text: deltas.map((d) => d.delta.response).join(""), soFar };
}

describe("chat stream resilience", () => {
  for (const mode of ["close", "error"] as const) {
    for (const lines of [0, 1, 3, 6, 10, 16]) {
      it(`survives a stream that drops (${mode}) after ${lines} lines: no hang, no doubled text`, async () => {
        using env = setup();
        env.emulator.faults.dropStreamAfter(lines, { path: "/chats/", mode });
        const agent = env.client.agents.create("my-org/assistant@abc123");
        const { reply, deltas, text, soFar } = await streamed(agent, LONG);
        assert.equal(reply.text, `You said: ${LONG}`);
        assert.equal(text, reply.text, "every delta once, in order");
        assert.equal(soFar, reply.text);
        assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i + 1));
        const streams = calls(env.emulator).filter((c) => c.endsWith("/stream"));
        assert.equal(streams.length, 2, "one reconnect");
        assert.equal(openStreams(env.emulator), 0);
      });
    }
  }

  it("survives a drop in a continued chat, and one right after a tool call (the tool runs once)", async () => {
    using env = setup();
    let ran = 0;
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      tools: [
        tool("get_weather").params({ city: string("City") }).handler(({ city }) => {
          ran++;
          return `${city}: 19 degrees`;
        }).build(),
      ],
    });
    await agent.sendMessage("Hello", FAST);
    // Continued chat: snapshot, busy, user, working, 4 deltas, message with the tool call, … drop.
    env.emulator.faults.dropStreamAfter(9, { path: "/chats/" });
    const { reply, text } = await streamed(agent, "And the weather in Oslo?");
    assert.equal(ran, 1);
    assert.equal(text, reply.text);
    assert.equal(
      reply.text,
      "Let me call get_weather. The get_weather tool returned: Oslo: 19 degrees",
    );
    assert.equal(calls(env.emulator).filter((c) => c.startsWith("POST /tools/")).length, 1);
  });

  it("survives a malformed line and a stalled stream", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    env.emulator.faults.malformedLineAfter(4, { path: "/chats/" });
    const first = await streamed(agent, LONG);
    assert.equal(first.text, first.reply.text);
    env.emulator.faults.stallStreamAfter(5, { path: "/chats/" });
    const second = await streamed(agent, LONG, { idleTimeoutMs: 100 });
    assert.equal(second.text, second.reply.text);
    assert.equal(openStreams(env.emulator), 0);
  });

  it("rejects with a StreamError, not a hang, once reconnects are spent", async () => {
    using env = setup();
    env.emulator.faults.dropStreamAfter(0, { path: "/chats/", times: Infinity });
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await assert.rejects(
      agent.sendMessage("Hello", { ...FAST, maxReconnects: 2, fallbackToPolling: false }),
      StreamError,
    );
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 3);
  });

  it("goes on by polling once reconnects are spent (fallbackToPolling, the default)", async () => {
    using env = setup();
    env.emulator.faults.dropStreamAfter(0, { path: "/chats/", times: Infinity });
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const reply = await agent.sendMessage("Hello", {
      ...FAST,
      maxReconnects: 2,
      pollIntervalMs: 5,
    });
    assert.equal(reply.text, "You said: Hello");
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/stream")).length, 3);
    assert.ok(calls(env.emulator).some((c) => c.endsWith("/status")), "polled");
  });

  it("waits for a queued message's own answer (no assistant message in the POST answer, A6)", async () => {
    using env = setup();
    const first = env.client.agents.create("my-org/assistant@abc123");
    const running = first.sendMessage(LONG);
    await until(() => first.chatId !== undefined);
    const second = env.client.agents.create("my-org/assistant@abc123", { chatId: first.chatId! });
    const [a, b] = await Promise.all([running, second.sendMessage("and then?")]);
    assert.equal(a.text, `You said: ${LONG}`);
    assert.equal(b.text, "You said: and then?");
    assert.equal(b.userMessage?.status, "ready", "the latest state of the once queued message");
    assert.equal(b.userMessage?.order, a.message.order + 1);
    assert.ok(b.message.order > a.message.order);
  });
});

describe("stopping a turn", () => {
  it("stopChat() ends the turn: sendMessage rejects with AgentTurnError (cancelled)", async () => {
    using env = setup({ stepMs: 10 }); // time for the stop to land mid-turn
    const agent = env.client.agents.create("my-org/assistant@abc123");
    let stops = 0;
    await assert.rejects(
      agent.sendMessage(LONG, {
        onDelta: () => {
          if (stops++ === 0) void agent.stopChat();
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof AgentTurnError);
        assert.equal(error.code, "cancelled");
        assert.equal(error.chatMessage?.status, "cancelled");
        assert.equal(error.chatId, agent.chatId);
        return true;
      },
    );
    const chat = await agent.getChat();
    assert.equal(chat?.status, "idle");
    assert.equal(chat?.active_run?.state, "canceled");
    assert.equal(openStreams(env.emulator), 0);
    // The agent goes on in the same chat.
    const next = await agent.sendMessage("Still there?");
    assert.equal(next.chatId, chat?.id);
  });

  it("signal aborts the turn: rejects with its reason and stops the turn on the server", async () => {
    using env = setup({ stepMs: 10 }); // time for the stop to land mid-turn
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const controller = new AbortController();
    const reason = new Error("user left");
    await assert.rejects(
      agent.sendMessage(LONG, {
        signal: controller.signal,
        onDelta: () => controller.abort(reason),
      }),
      (error) => error === reason,
    );
    // The stop goes in the background, after the rejection.
    await until(() => calls(env.emulator).includes(`POST /chats/${agent.chatId}/stop`));
    const chat = await agent.getChat();
    assert.equal(chat?.chat_messages?.at(-1)?.status, "cancelled");
    assert.equal(openStreams(env.emulator), 0);
  });

  it("an already aborted signal sends nothing", async () => {
    using env = setup({ stepMs: 10 }); // time for the stop to land mid-turn
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const reason = new Error("too late");
    await assert.rejects(
      agent.sendMessage("x", { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
    assert.deepEqual(calls(env.emulator), []);
  });

  it("disconnect() rejects the pending turn with an AbortError and closes the stream", async () => {
    using env = setup({ stepMs: 10 }); // time for the stop to land mid-turn
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await assert.rejects(
      agent.sendMessage(LONG, { onDelta: () => agent.disconnect() }),
      (error: unknown) => error instanceof DOMException && error.name === "AbortError",
    );
    await until(() => chatSubscribers(env.emulator) === 0);
    assert.equal(openStreams(env.emulator), 0);
    assert.ok(!calls(env.emulator).some((c) => c.endsWith("/stop")), "local only");
    const id = agent.chatId;
    assert.ok(id);
    const next = await agent.sendMessage("Back again");
    assert.equal(next.chatId, id);
  });

  it("reset() forgets the chat: the next message starts a new one", async () => {
    using env = setup({ stepMs: 10 }); // time for the stop to land mid-turn
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      outputSchema: z.object({ summary: z.string() }),
    });
    const first = await agent.sendMessage("one");
    agent.reset();
    assert.equal(agent.chatId, undefined);
    const second = await agent.sendMessage("two");
    assert.notEqual(second.chatId, first.chatId);
    assert.equal(second.output.summary, "Summary: two");
    const sent = bodies(env.emulator, "POST", "/agents/run") as Record<string, unknown>[];
    assert.deepEqual(sent.map((b) => b["chat_id"]), [null, null]);
    await assert.rejects(
      agent.sendMessage(LONG, { onDelta: () => agent.reset() }),
      (error: unknown) => error instanceof DOMException && error.name === "AbortError",
    );
    assert.equal(agent.chatId, undefined);
  });
});

describe("TurnGate (docs/protocol.md §7.5)", () => {
  const idle = { status: "idle" };
  const busy = { status: "busy" };
  const message = (id: string, status: string) => ({
    id,
    "chat_id": "c",
    order: 2,
    role: "assistant",
    status,
    content: [],
  });

  it("ends a new chat's turn at the first idle observation", () => {
    assert.equal(new TurnGate(true, "m").observeChat(idle), true);
  });

  it("ignores the previous turn's idle snapshot of an existing chat until busy is seen", () => {
    const gate = new TurnGate(false, "m");
    assert.equal(gate.observeChat(idle), false);
    assert.equal(gate.observeChat(busy), false);
    assert.equal(gate.observeChat({ "active_run": { id: "r", state: "completed" } }), true);
  });

  it("ends a pending idle once this turn's assistant message is final", () => {
    const gate = new TurnGate(false, "m");
    gate.observeChat(idle);
    assert.equal(gate.observeMessage(message("other", "ready")), false);
    assert.equal(gate.observeMessage(message("m", "pending")), false);
    assert.equal(gate.observeMessage(message("m", "ready")), true);
  });

  it("counts auth_required as busy, unlike the official SDK (A4)", () => {
    const gate = new TurnGate(true, "m");
    assert.equal(gate.observeChat({ "active_run": { id: "r", state: "auth_required" } }), false);
    assert.equal(gate.observeChat({ "active_run": { id: "r", state: "input_required" } }), false);
    assert.equal(gate.observeChat({ status: "awaiting_input" }), false);
    assert.equal(gate.observeChat({ "active_run": { id: "r", state: "failed" } }), true);
  });
});
