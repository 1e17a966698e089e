// Following agent turns by polling (`stream: false`, docs/protocol.md §7.6), with the official SDK's
// polling defects fixed: every message re-reported on every poll (docs/protocol.md §10 A5) and polling that
// gives up silently (docs/protocol.md §10 A3).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { inference, InternalServerError, NotFoundError, string, tool } from "../../mod.ts";
import type { ChatDelta, ChatMessage } from "../../src/types.ts";
import { calls, chatSubscribers, FAST, get, hangGuard, KEY, setup, until } from "./_setup.ts";

const LONG = "Please tell me a rather long story about a lighthouse keeper and the sea";
const POLL = { ...FAST, pollIntervalMs: 1 } as const;

/** An emulator and a client that follows chats by polling (the client's `stream: false`). */
function polling(options: Parameters<typeof setup>[0] = {}) {
  const env = setup(options);
  const client = inference({ apiKey: KEY, fetch: env.emulator.fetch, stream: false });
  return { ...env, client };
}

function weatherAgent(client: ReturnType<typeof inference>, ran: { count: number }) {
  return client.agents.create({
    coreApp: "infsh/emulated-llm",
    tools: [
      tool("get_weather").params({ city: string("City") }).handler(({ city }) => {
        ran.count++;
        return `${city}: 19 degrees`;
      }).build(),
    ],
  });
}

describe("polling transport (stream: false)", () => {
  for (const chatMessagesInChat of [true, false]) {
    it(`runs turns with a client tool by polling, no stream opened (messages in chat: ${chatMessagesInChat})`, async () => {
      using env = polling({ chatMessagesInChat });
      const ran = { count: 0 };
      const agent = weatherAgent(env.client, ran);
      using guard = hangGuard();
      const first = await agent.sendMessage("What is the weather in Oslo?", {
        ...POLL,
        signal: guard.signal,
      });
      assert.equal(
        first.text,
        "Let me call get_weather. The get_weather tool returned: Oslo: 19 degrees",
      );
      assert.equal(ran.count, 1, "the handler ran once, however often the call was polled");
      // A continued chat: the first polls still show the previous turn.
      const second = await agent.sendMessage("And in Paris, the weather?", {
        ...POLL,
        signal: guard.signal,
      });
      assert.equal(
        second.text,
        "Let me call get_weather. The get_weather tool returned: Paris: 19 degrees",
      );
      assert.equal(ran.count, 2);
      assert.ok(second.message.order > first.message.order);
      const sent = calls(env.emulator);
      const id = agent.chatId;
      assert.deepEqual(sent.slice(0, 3), [
        "POST /agents/run",
        `GET /chats/${id}/status`,
        `GET /chats/${id}`,
      ]);
      assert.equal(sent.filter((c) => c.endsWith("/stream")).length, 0);
      assert.equal(sent.filter((c) => c.startsWith("POST /tools/")).length, 2);
      assert.equal(
        sent.some((c) => c.startsWith(`GET /chats/${id}/messages`)),
        !chatMessagesInChat,
        "messages listed only when the chat comes without them",
      );
      assert.equal(chatSubscribers(env.emulator), 0);
    });
  }

  it("takes stream: false per call too, over the client's default stream: true", async () => {
    using env = setup();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const reply = await agent.sendMessage("Hello", { ...POLL, stream: false });
    assert.equal(reply.text, "You said: Hello");
    assert.ok(!calls(env.emulator).some((c) => c.endsWith("/stream")));
    assert.ok(calls(env.emulator).some((c) => c.endsWith("/status")));
  });

  it("reports a message to onMessage only when it changed since the last poll (A5)", async () => {
    using env = polling({ chatMessagesInChat: false });
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const reports: ChatMessage[] = [];
    const reply = await agent.sendMessage(LONG, {
      ...POLL,
      onMessage: (message) => reports.push(message),
    });
    const id = agent.chatId;
    const reads = calls(env.emulator).filter((c) => c === `GET /chats/${id}`).length;
    assert.ok(reads >= 2, `several polls read the chat (${reads})`);
    const user = reports.filter((m) => m.role === "user");
    assert.equal(user.length, 1, "the user message never changes: reported once");
    const last = new Map<string, string>();
    for (const message of reports) {
      const json = JSON.stringify(message);
      assert.notEqual(last.get(message.id), json, "no report repeats the previous one");
      last.set(message.id, json);
    }
    assert.equal(reports.at(-1)?.id, reply.message.id);
    assert.equal(reports.at(-1)?.status, "ready");
  });

  it("returns the structured output, read with the idle chat (no extra read)", async () => {
    using env = polling();
    const agent = env.client.agents.create({
      coreApp: "infsh/emulated-llm",
      outputSchema: z.object({ summary: z.string() }),
    });
    const reply = await agent.sendMessage("the quarterly numbers", POLL);
    assert.equal(reply.output.summary, "Summary: the quarterly numbers");
    assert.equal(reply.chat.status, "idle");
    const sent = calls(env.emulator);
    assert.equal(sent.at(-1), `GET /chats/${agent.chatId}`, "the last poll's read, nothing after");
    assert.equal(sent.at(-2), `GET /chats/${agent.chatId}/status`);
  });

  it("has no token deltas: onDelta gets the reply's text in one piece, once final", async () => {
    using env = polling();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const deltas: ChatDelta[] = [];
    const reply = await agent.sendMessage(LONG, {
      ...POLL,
      onDelta: (delta) => deltas.push(delta),
    });
    assert.equal(deltas.length, 1);
    assert.equal(deltas[0]?.delta.response, reply.text);
    assert.equal(deltas[0]?.["resource_id"], reply.message.id);
  });

  it("recovers from failed polls mid-turn (retried with backoff)", async () => {
    using env = polling();
    const ran = { count: 0 };
    const agent = weatherAgent(env.client, ran);
    let injected = false;
    const reply = await agent.sendMessage("What is the weather in Oslo?", {
      ...POLL,
      maxRetries: 0, // each failed poll is one failure of the poller's own budget
      onMessage: (message) => {
        if (injected || message.role !== "assistant") return;
        injected = true;
        env.emulator.faults.failNext(500, { path: "/chats/", times: 4 });
      },
    });
    assert.ok(injected);
    assert.equal(ran.count, 1);
    assert.equal(
      reply.text,
      "Let me call get_weather. The get_weather tool returned: Oslo: 19 degrees",
    );
    // All four failures were spent by the poller.
    assert.equal((await get(env.emulator, `/chats/${agent.chatId}/status`)).status, 200);
  });

  it("rejects with the last error once maxReconnects polls failed in a row, never silently (A3)", async () => {
    using env = polling();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    env.emulator.faults.failNext(500, { path: "/chats/", times: Infinity });
    using guard = hangGuard();
    await assert.rejects(
      agent.sendMessage("Hello", {
        ...POLL,
        maxReconnects: 2,
        maxRetries: 0,
        signal: guard.signal,
      }),
      (error: unknown) => {
        assert.ok(error instanceof InternalServerError, String(error));
        assert.equal(error.status, 500);
        return true;
      },
    );
    const polls = calls(env.emulator).filter((c) => c.endsWith("/status"));
    assert.equal(polls.length, 3, "the first poll and two more");
  });

  it("rejects at once when the API refuses a poll (404)", async () => {
    using env = polling();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    env.emulator.faults.failNext(404, { path: "/chats/", times: Infinity });
    await assert.rejects(agent.sendMessage("Hello", POLL), NotFoundError);
    assert.equal(calls(env.emulator).filter((c) => c.endsWith("/status")).length, 1);
  });

  it("stops polling when signal aborts, and stops the turn on the server", async () => {
    using env = polling({ stepMs: 10 }); // time for the abort to land mid-turn
    const agent = env.client.agents.create("my-org/assistant@abc123");
    const controller = new AbortController();
    const reason = new Error("user left");
    await assert.rejects(
      agent.sendMessage(LONG, {
        ...POLL,
        signal: controller.signal,
        onMessage: (message) => {
          if (message.role === "assistant") controller.abort(reason);
        },
      }),
      (error) => error === reason,
    );
    // The stop goes in the background, after the rejection.
    await until(() => calls(env.emulator).includes(`POST /chats/${agent.chatId}/stop`));
    const chat = await agent.getChat();
    assert.equal(chat?.chat_messages?.at(-1)?.status, "cancelled");
  });

  it("streamMessages() polls too, reporting each change once", async () => {
    using env = polling();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await agent.sendMessage("Hello", POLL);
    const seen: ChatMessage[] = [];
    const watching = (async () => {
      for await (const message of agent.streamMessages(undefined, POLL)) {
        seen.push(message);
        if (message.role === "assistant" && message.status === "ready" && message.order > 2) break;
      }
    })();
    // Its first read is where it starts from (as a stream starts from its connect).
    const reads = () => calls(env.emulator).filter((c) => c === `GET /chats/${agent.chatId}`);
    const before = reads().length;
    await until(() => reads().length > before);
    await agent.sendMessage("Again", POLL);
    await watching;
    assert.ok(!calls(env.emulator).some((c) => c.endsWith("/stream")));
    assert.ok(seen.every((m) => m.order >= 3), "what changed after it began, as a stream would");
    const again = seen.filter((m) => m.order === 3);
    assert.equal(again.length, 1, "the new user message, once");
    for (let i = 1; i < seen.length; i++) {
      const earlier = seen.slice(0, i).filter((m) => m.id === seen[i]!.id).at(-1);
      assert.notDeepEqual(earlier, seen[i]);
    }
  });

  it("rejects a bad stream or pollIntervalMs option before any request", async () => {
    using env = polling();
    const agent = env.client.agents.create("my-org/assistant@abc123");
    await assert.rejects(
      agent.sendMessage("x", { stream: "no" as unknown as boolean }),
      /Invalid option 'stream'/,
    );
    await assert.rejects(agent.sendMessage("x", { pollIntervalMs: -1 }), RangeError);
    assert.deepEqual(calls(env.emulator), []);
  });
});
